"""Database models. Import from here: ``from app.models import Person``."""
from .api_token import ApiToken, api_token_areas
from .area import Area, AreaLevel, user_grids
from .audit import AuditLog
from .card import Card, CardBatch, UnlockAttempt
from .change_request import ChangeRequest
from .dwelling import Dwelling, Landlord, Tenancy
from .landlord import Agreement, AgreementTemplate, LandlordInvitation, SweepVisit
from .figure import GridFigure
from .idempotency import IdempotencyKey
from .exchange import InboxMessage, OutboxMessage, Peer
from .outflow import LeftBehind, Outflow
from .job import Job
from .ledger import AuditSample, AuditSampleItem, PeopleImport
from .person import Movement, Person, Relation
from .services import Appointment, Document, Notice, ServiceChoice, ServiceType, SmsMessage, SmsOptOut
from .setting import CalendarDay, Setting
from .user import LoginFailure, RateCounter, Role, User

__all__ = [
    "ApiToken", "api_token_areas",
    "Area", "AreaLevel", "user_grids", "AuditLog", "Card", "CardBatch", "UnlockAttempt", "ChangeRequest", "Dwelling", "Landlord",
    "Tenancy", "Movement", "Person", "Relation", "Role", "LoginFailure", "RateCounter", "Setting", "CalendarDay", "User",
    "Agreement", "AgreementTemplate", "LandlordInvitation", "SweepVisit",
    "GridFigure",
    "IdempotencyKey",
    "InboxMessage", "OutboxMessage", "Peer", "LeftBehind", "Outflow",
    "Job",
    "AuditSample", "AuditSampleItem", "PeopleImport",
    "Appointment", "Document", "Notice", "ServiceChoice", "ServiceType", "SmsMessage", "SmsOptOut",
]
