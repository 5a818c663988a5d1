"""Database models. Import from here: ``from app.models import Person``."""
from .area import Area, AreaLevel, user_grids
from .audit import AuditLog
from .card import Card, UnlockAttempt
from .change_request import ChangeRequest
from .dwelling import Dwelling, Landlord, Tenancy
from .landlord import Agreement, AgreementTemplate, LandlordInvitation, SweepVisit
from .figure import GridFigure
from .ledger import AuditSample, AuditSampleItem, PeopleImport
from .person import Movement, Person, Relation
from .services import Appointment, Document, Notice, ServiceChoice, ServiceType, SmsMessage, SmsOptOut
from .setting import Setting
from .user import Role, User

__all__ = [
    "Area", "AreaLevel", "user_grids", "AuditLog", "Card", "UnlockAttempt", "ChangeRequest", "Dwelling", "Landlord",
    "Tenancy", "Movement", "Person", "Relation", "Role", "Setting", "User",
    "Agreement", "AgreementTemplate", "LandlordInvitation", "SweepVisit",
    "GridFigure",
    "AuditSample", "AuditSampleItem", "PeopleImport",
    "Appointment", "Document", "Notice", "ServiceChoice", "ServiceType", "SmsMessage", "SmsOptOut",
]
