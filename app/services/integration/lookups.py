"""What an integration reads about one person, within its areas (else ``NotFound``)."""
from __future__ import annotations

from ...domain.idcard import parse_id_number
from ...extensions import db
from ...models import Person
from .. import scope
from ..common.errors import NotFound
from ..health import appointments


def person_by_id_number(principal, raw: str) -> Person:
    """The person with this ID number in the principal's areas. Raises ``InvalidIdNumber``
    for a number that cannot be one, ``NotFound`` when nobody in scope has it."""
    number = parse_id_number(raw).number
    person = db.session.scalars(scope.people(principal).where(Person.id_number == number)).first()
    if person is None:
        raise NotFound("person")
    return person


def schedule(principal, person_id: int):
    """(person, service lines): each service's visits and next date — never results."""
    person = scope.get_person(principal, person_id)
    return person, appointments.person_services(person, with_results=False)

