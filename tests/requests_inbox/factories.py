"""Factories of My requests: a request is built with its company's requester and first message."""

from datetime import timedelta

import factory
from django.utils import timezone

from portal.models import Topic
from requests_inbox.models import Message, Request, Status, StatusChange
from tests.factories.portal import CompanyFactory, UserFactory


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Request
        skip_postgeneration_save = True

    company = factory.SubFactory(CompanyFactory)
    requester = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: f"CS-2026-{900000 + n:06d}")
    subject = factory.Sequence(lambda n: f"Question number {n}")
    category = Topic.OTHER
    status = Status.NEW
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))

    @factory.post_generation
    def first_message(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Message.objects.create(
                company=self.company,
                request=self,
                author=self.requester,
                body="Hello, help please.",
            )
            StatusChange.objects.create(
                company=self.company, request=self, to_status=self.status, actor=self.requester
            )


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    request = factory.SubFactory(RequestFactory)
    company = factory.SelfAttribute("request.company")
    author = factory.SelfAttribute("request.requester")
    body = factory.Sequence(lambda n: f"Message {n}")
