from tests.security.matrix import Route

ROUTES = [
    Route("portal:home", public=True),
    Route("portal:request_access", ok=(200,)),
    Route(
        "portal:switch_company",
        method="POST",
        data=lambda company, user: {"company": company.pk},
        ok=(302,),
    ),
]
