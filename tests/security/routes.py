"""Every URL pattern of the project, read from the resolver, and what each one is.

`ROUTES` walks `get_resolver().url_patterns` recursively, so a view added anywhere shows up
here by itself. Each named route outside the Django admin must be in exactly one table
below, or `test_every_url_pattern_is_classified` fails until someone decides what it is:

- PUBLIC: no account and no object (sign-in, password reset, health check). Static files are
  served by WhiteNoise before the resolver and are not URL patterns.
- SIGNED_IN: for any signed-in user, no tenant object in the URL; what they show is filtered
  by the user's memberships.
- TENANT: carries an organisation slug, assessment code, action code… For consultants and
  admins of that organisation (ADMINS: admins only); everyone else gets a 404, and the
  anonymous a redirect to sign-in.
- LINK: the respondent journey under /r/<token>/: the token is the credential.
- OWN: a signed-in user's own account object (a security key) named by its id.
- API: the REST API under /api/ (tests/security/test_api_isolation.py): a personal API token
  (or the session, for the docs) is the credential; anything of another tenant is a 404,
  and no credential a 401/403.
- STAFF: site settings for site staff (is_staff) only, no tenant object: everyone else who
  is signed in gets a 404, the anonymous a redirect to sign-in.

Everything under admin/ is the Django admin: staff only.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

ADMIN_PREFIX = "admin/"
GET, POST = "get", "post"
PUT, PATCH, DELETE = "put", "patch", "delete"
MANAGERS = frozenset({"consultant", "admin"})
ADMINS = frozenset({"admin"})


@dataclass(frozen=True)
class Route:
    route: str  # the full route, e.g. "organisations/<slug:org_slug>/assessments/"
    name: str | None  # namespaced, e.g. "assessments:list"
    callback: object
    is_regex: bool

    @property
    def kwarg_names(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)

    @property
    def is_admin(self) -> bool:
        return self.route.startswith(ADMIN_PREFIX)

    def path(self, kwargs: dict) -> str:
        """The URL for these kwargs, built from the route itself (not by reversing the name,
        which would find the first pattern of that name, not necessarily this one)."""
        return "/" + re.sub(
            r"<(?:\w+:)?(\w+)>", lambda m: quote(str(kwargs[m.group(1)]), safe=""), self.route
        )

    def resolves_here(self, path: str) -> bool:
        """Whether a request for `path` reaches this pattern's view (not a shadowing one)."""
        return resolve(path).func is self.callback

    def __str__(self):
        return self.name or self.route


def _walk(patterns, prefix="", namespace=None, regex=False):
    for pattern in patterns:
        is_regex = regex or not isinstance(pattern.pattern, RoutePattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner, is_regex)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield Route(prefix + str(pattern.pattern), name, pattern.callback, is_regex)


ROUTES: list[Route] = list(_walk(get_resolver().url_patterns))


# --- The classification -------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """A view's methods, who may use it, and what a positive control posts."""

    methods: tuple = (GET,)
    who: frozenset = MANAGERS
    data: dict = field(default_factory=dict)
    link: str = "open"  # LINK views: which of the tenant's rounds the right link belongs to
    # SIGNED_IN views: what a signed-in consultant's GET gets. allauth sends a sensitive
    # page to re-authentication first (302), and answers 404 for a factor one does not have.
    ok: int = 200


PUBLIC = {
    "home": View(),
    "healthz": View(),
    "favicon": View(),
    "login": View((GET, POST)),
    "logout": View((POST,)),
    "password_reset": View((GET, POST)),
    "password_reset_done": View(),
    "password_reset_confirm": View(),
    "password_reset_complete": View(),
    # django-allauth (config/accounts_urls.py): pages of a sign-in under way, or none.
    "password_change": View(),  # a redirect to allauth's page
    "account_login": View(),
    "account_reset_password": View(),
    "account_logout": View((POST,)),
    "account_inactive": View(),
    "account_signup": View((GET, POST)),
    "account_email_verification_sent": View(),
    "account_confirm_login_code": View(),
    "account_reset_password_done": View(),
    "account_reset_password_from_key_done": View(),
    "mfa_authenticate": View((GET, POST)),
    "socialaccount_login_cancelled": View(),
    "socialaccount_login_error": View(),
    "socialaccount_signup": View(),
    "openid_connect_login": View((GET, POST)),
    "openid_connect_callback": View(),
    "branding:logo": View(),  # the practice's logo: on the sign-in page too
}

SIGNED_IN = {
    "password_change_done": View(),
    "account_language": View((GET, POST), data={"language": "de"}),
    # django-allauth: the signed-in user's own account (second factors, sessions, SSO links).
    "account_reauthenticate": View(),
    "account_request_reauthentication_code": View(ok=302),
    "account_confirm_reauthentication_code": View(ok=302),
    "account_email": View(),
    "account_change_password": View(),
    "account_set_password": View(ok=302),
    "mfa_index": View(),
    "mfa_reauthenticate": View(ok=302),
    "mfa_activate_totp": View(ok=302),
    "mfa_deactivate_totp": View(ok=404),
    "mfa_view_recovery_codes": View(ok=404),
    "mfa_generate_recovery_codes": View(ok=302),
    "mfa_download_recovery_codes": View(ok=404),
    "mfa_list_webauthn": View(),
    "mfa_add_webauthn": View(ok=302),
    "mfa_reauthenticate_webauthn": View(ok=302),
    "usersessions_list": View(),
    "socialaccount_connections": View(),
    "workspace:dashboard": View(),
    "organizations:create": View((GET, POST)),
    "workspace:portfolio": View(),
    "lifecycle:deleted_organizations": View(),
}

_STATUS_DONE = {"status": "done"}
TENANT = {
    # organisations
    "organizations:members": View(
        (GET, POST), data={"email": "colleague@example.test", "role": "consultant"}
    ),
    "organizations:audit_log": View(who=ADMINS),
    "organizations:settings": View(
        (GET, POST), data={"name": "Changed by a test", "report_language": "de"}
    ),
    "api_webhooks": View(
        (GET, POST),
        who=ADMINS,
        data={"url": "https://hooks.example.com/walk", "events": ["report.ready"]},
    ),
    # assessments and their executives
    "assessments:list": View(),
    "assessments:new": View((GET, POST)),
    "assessments:detail": View(),
    "assessments:send": View((POST,)),
    "assessments:resend": View((POST,)),
    "assessments:revoke": View((POST,), data={"send_new": ""}),
    "assessments:edit": View((GET, POST)),
    "assessments:remind": View((POST,)),
    "assessments:reopen": View((POST,)),
    # data lifecycle: a repeated delete or undo says so (302), like the first one
    "assessments:delete": View((GET, POST)),
    "assessments:hold": View((POST,), data={"hold": "on"}),
    "assessments:erase": View((GET, POST), data={"answers": "keep"}),
    "assessments:deleted": View(),
    "assessments:restore": View((POST,)),
    "assessments:delete_organization": View((GET, POST)),
    "lifecycle:restore_organization": View((POST,)),
    # results and the PDF report
    "workspace:results": View(),
    "reports:status": View(),
    "reports:status_fragment": View(),
    "reports:download": View(),
    "reports:render": View((POST,)),
    # the workspace: workshop, gap map, rounds, actions, portfolio, exports
    "workspace:organization_portfolio": View(),
    "workspace:actions": View(),
    "workspace:action_update": View((POST,), data=_STATUS_DONE),
    "workspace:org_xlsx": View(),
    "workspace:org_csv": View(),
    "workspace:presenter": View(),
    "workspace:state": View(),
    "workspace:finish": View((POST,)),
    "workspace:consensus": View((POST,), data={"value": "4"}),
    "workspace:action_create": View(
        (POST,), data={"description": "Agree who signs off", "owner_role": "both"}
    ),
    "workspace:action_status": View((POST,), data=_STATUS_DONE),
    "workspace:action_remove": View((POST,)),
    "workspace:gap_map": View(),
    "workspace:trend": View(),
    "workspace:next_round": View((GET, POST)),
    "workspace:xlsx": View(),
    "workspace:csv": View(),
}

LINK = {
    "respond:welcome": View(),
    "respond:page": View((GET, POST), data={"action": "save", "q-1.1": "3"}),
    "respond:autosave": View((POST,), data={"question": "1.1", "answer": "3"}),
    "respond:review": View(),
    "respond:submit": View((POST,), data={"confirm": "yes"}),
    "respond:language": View((POST,), data={"language": "de"}),
    "respond:privacy": View(),
    "respond:my_data": View(),
    "workspace:respondent_results": View(link="scored"),
    "reports:executive_download": View(link="scored"),
}

# A signed-in user's own account objects (an authenticator): allauth looks them up among the
# user's own, so another account's is not found.
OWN = {
    "mfa_remove_webauthn": View(),
    "mfa_edit_webauthn": View(),
}


@dataclass(frozen=True)
class ApiView:
    """An API route: its methods, who may use it, what a positive control sends (JSON) and
    which answers mean it reached the service (a refusal by the service, such as "this
    round is not open", counts: the access check let the caller through)."""

    methods: tuple = (GET,)
    who: frozenset = MANAGERS
    data: dict = field(default_factory=dict)
    ok: tuple = (200,)
    account: bool = False  # no tenant object in the URL


MEMBERS = frozenset({"consultant", "admin", "executive"})
_ACTION = {"dimension": "D1", "description": "Agree who signs off", "owner_role": "both"}
API = {
    "api:schema": ApiView(who=MEMBERS, account=True),
    "api:docs": ApiView(who=MEMBERS, account=True),
    "api:organizations": ApiView(who=MEMBERS, account=True),
    "api:organization": ApiView(who=MEMBERS),
    "api:members": ApiView(
        (GET, POST), data={"email": "colleague@example.test", "role": "consultant"}, ok=(200, 201)
    ),
    "api:assessments": ApiView(),
    "api:assessment": ApiView(),
    # The scored round is past sending and reminding: the service says so (400).
    "api:send": ApiView((POST,), ok=(400,)),
    "api:remind": ApiView((POST,), ok=(400,)),
    "api:revoke": ApiView((POST,), data={"send_new": False}),
    "api:next_round": ApiView((POST,), data={"title": "Next round"}, ok=(201, 400)),
    "api:results": ApiView(),
    "api:reports": ApiView((GET, POST), ok=(200, 202)),
    "api:report_download": ApiView(),
    "api:export_xlsx": ApiView(),
    "api:export_csv": ApiView(),
    "api:workshop": ApiView(),
    "api:position": ApiView((PUT,), data={"value": 4}),
    "api:actions": ApiView((POST,), data=_ACTION, ok=(201,)),
    "api:action": ApiView((PATCH, DELETE), data={"status": "done"}, ok=(200, 204)),
    "api:workshop_finish": ApiView((POST,)),
    "api:webhooks": ApiView(
        (GET, POST),
        who=ADMINS,
        data={"url": "https://hooks.example.com/x", "events": ["report.ready"]},
        ok=(200, 201),
    ),
    "api:webhook": ApiView((GET, DELETE), who=ADMINS, ok=(200, 204)),
    "api:deliveries": ApiView(who=ADMINS),
    "api:redeliver": ApiView((POST,), who=ADMINS, ok=(202,)),
}

SIGNED_IN["api_tokens"] = View((GET, POST), data={"name": "walk"})

STAFF = {
    "branding:settings": View((GET, POST), data={"name": "Changed by a test"}),
    "branding:reset": View((POST,)),
}

CLASSIFIED = {**PUBLIC, **SIGNED_IN, **TENANT, **LINK, **OWN, **API, **STAFF}


def routes_in(table: dict) -> list[Route]:
    return [r for r in ROUTES if not r.is_admin and r.name in table]


def admin_routes() -> list[Route]:
    return [r for r in ROUTES if r.is_admin]


# --- Building the kwargs of a URL ----------------------------------------------------------

# The kwargs that name a tenant's object: swapping any one of them for another tenant's
# must give a 404. The others (a role, a dimension code, a table) are the same for everyone.
OBJECT_KWARGS = {
    "slug": lambda t: t.organization.slug,
    "org_slug": lambda t: t.organization.slug,
    "code": lambda t: t.scored.code,
    "action_code": lambda t: t.action_code(),
    "endpoint_code": lambda t: t.endpoint_code(),
    "delivery_code": lambda t: t.delivery_code(),
}
SHARED_KWARGS = {
    "role": "ciso",
    "dimension": "D1",
    "table": "answers",
}


class UnknownKwarg(Exception):
    pass


def tenant_kwargs(route: Route, tenant, *, swap: str | None = None, other=None) -> dict:
    """The kwargs of `route` for `tenant`'s objects; with `swap`, that one kwarg is `other`
    tenant's. Fails loudly for a kwarg it does not know, so a new view cannot pass unseen."""
    kwargs = {}
    for name in route.kwarg_names:
        if name in OBJECT_KWARGS:
            owner = other if name == swap else tenant
            kwargs[name] = OBJECT_KWARGS[name](owner)
        elif name in SHARED_KWARGS:
            kwargs[name] = SHARED_KWARGS[name]
        else:
            raise UnknownKwarg(
                f"{route}: no rule for the URL kwarg {name!r}. Teach tests/security/routes.py "
                f"(OBJECT_KWARGS if it names a tenant's object, else SHARED_KWARGS) how to "
                f"build it for another organisation."
            )
    return kwargs


def object_kwarg_names(route: Route) -> list[str]:
    return [name for name in route.kwarg_names if name in OBJECT_KWARGS]


def link_kwargs(route: Route, token: str) -> dict:
    kwargs = {}
    for name in route.kwarg_names:
        if name == "token":
            kwargs[name] = token
        elif name == "code":  # a page of the questionnaire: a dimension code
            kwargs[name] = "D1"
        else:
            raise UnknownKwarg(f"{route}: no rule for the link URL kwarg {name!r}.")
    return kwargs


PUBLIC_KWARGS = {"uidb64": "MQ", "token": "set-password", "provider_id": "corp"}


def public_kwargs(route: Route) -> dict:
    unknown = set(route.kwarg_names) - PUBLIC_KWARGS.keys()
    if unknown:
        raise UnknownKwarg(f"{route}: no rule for the public URL kwarg(s) {sorted(unknown)}.")
    return {name: PUBLIC_KWARGS[name] for name in route.kwarg_names}
