from tests.factories.portal import SiteFactory
from tests.inventory.conftest import make_online
from tests.inventory.factories import ItemFactory
from tests.security.matrix import Route


def _item(company, user, kind=None):
    kwargs = {"pk": ItemFactory(site=SiteFactory(company=company)).pk}
    return {**kwargs, "kind": kind} if kind else kwargs


ROUTES = [
    Route("inventory:home", app="inventory", setup=make_online),
    Route("inventory:add", app="inventory", setup=make_online),
    Route("inventory:item", app="inventory", setup=make_online, kwargs=_item),
    Route(
        "inventory:change",
        app="inventory",
        setup=make_online,
        kwargs=lambda company, user: _item(company, user, "remove"),
    ),
    Route(
        "inventory:change",
        app="inventory",
        setup=make_online,
        method="POST",
        ok=(302,),
        kwargs=lambda company, user: _item(company, user, "move"),
        data=lambda company, user: {"site": SiteFactory(company=company).pk},
    ),
]
