"""A thin synchronous client of Home Assistant's REST and websocket APIs, logged in as a user."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx

from .processes import LOCALHOST, HarnessError, wait_until

MQTT_DOMAIN = "mqtt"


@dataclass(frozen=True, kw_only=True)
class Credentials:
    """The demo user of an instance."""

    name: str = "Demo Caregiver"
    username: str = "demo"
    password: str = "retro-balance-demo"


class HomeAssistantClient:
    """A thin synchronous client of Home Assistant's REST and websocket APIs (admin user)."""

    def __init__(self, base_url: str, tokens: dict[str, Any]) -> None:
        """Use the token response of /auth/token (access_token; refresh_token when present)."""
        self.base_url = base_url
        self.tokens = tokens

    @property
    def client_id(self) -> str:
        """The OAuth client id the tokens were issued to (the base URL with a trailing slash)."""
        return f"{self.base_url}/"

    # -- authentication

    @classmethod
    def onboard(cls, base_url: str, credentials: Credentials) -> HomeAssistantClient:
        """Do every onboarding step without a browser and return a client for the new owner."""
        client_id = f"{base_url}/"
        response = httpx.post(
            f"{base_url}/api/onboarding/users",
            json={
                "client_id": client_id,
                "name": credentials.name,
                "username": credentials.username,
                "password": credentials.password,
                "language": "en",
            },
            timeout=30,
        )
        _expect(response, "onboarding: create the owner")
        tokens = _token(
            base_url, {"grant_type": "authorization_code", "code": response.json()["auth_code"]}
        )
        client = cls(base_url, tokens)
        client.post("/api/onboarding/core_config", {})
        client.post("/api/onboarding/analytics", {})
        client.post(
            "/api/onboarding/integration",
            {"client_id": client_id, "redirect_uri": f"{client_id}?auth_callback=1"},
        )
        return client

    @classmethod
    def login(cls, base_url: str, credentials: Credentials) -> HomeAssistantClient:
        """Log in through the login flow, as the frontend does, and return a client."""
        client_id = f"{base_url}/"
        flow = httpx.post(
            f"{base_url}/auth/login_flow",
            json={
                "client_id": client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{client_id}?auth_callback=1",
            },
            timeout=30,
        )
        _expect(flow, "start the login flow")
        result = httpx.post(
            f"{base_url}/auth/login_flow/{flow.json()['flow_id']}",
            json={
                "client_id": client_id,
                "username": credentials.username,
                "password": credentials.password,
            },
            timeout=30,
        )
        _expect(result, "log in")
        body = result.json()
        if body.get("type") != "create_entry":
            raise HarnessError(f"login as {credentials.username!r} failed: {body}")
        return cls(
            base_url, _token(base_url, {"grant_type": "authorization_code", "code": body["result"]})
        )

    def refresh(self) -> None:
        """Get a fresh access token (they expire after 30 minutes)."""
        new = _token(
            self.base_url,
            {"grant_type": "refresh_token", "refresh_token": self.tokens["refresh_token"]},
        )
        self.tokens = self.tokens | new

    def long_lived_token(self, client_name: str) -> str:
        """Create a long-lived access token (10 years) through the websocket API."""
        token: str = self.ws(
            {"type": "auth/long_lived_access_token", "client_name": client_name, "lifespan": 3650}
        )[0]
        return token

    def browser_tokens(self) -> dict[str, Any]:
        """Return what the frontend keeps in localStorage.hassTokens for this session."""
        return self.tokens | {
            "hassUrl": self.base_url,
            "clientId": self.client_id,
            "expires": int(time.time() * 1000) + int(self.tokens.get("expires_in", 1800)) * 1000,
        }

    # -- REST

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    def get(self, path: str) -> Any:
        """GET a REST path and return its JSON."""
        response = httpx.get(f"{self.base_url}{path}", headers=self._headers(), timeout=30)
        _expect(response, f"GET {path}")
        return response.json()

    def post(self, path: str, data: Any) -> Any:
        """POST JSON to a REST path and return its JSON."""
        response = httpx.post(
            f"{self.base_url}{path}", json=data, headers=self._headers(), timeout=30
        )
        _expect(response, f"POST {path}")
        return response.json()

    def delete(self, path: str) -> None:
        """DELETE a REST path."""
        response = httpx.delete(f"{self.base_url}{path}", headers=self._headers(), timeout=30)
        _expect(response, f"DELETE {path}")

    def state(self, entity_id: str) -> dict[str, Any] | None:
        """Return an entity's state object, or None when Home Assistant has no such entity."""
        response = httpx.get(
            f"{self.base_url}/api/states/{entity_id}", headers=self._headers(), timeout=30
        )
        if response.status_code == 404:
            return None
        _expect(response, f"GET state of {entity_id}")
        result: dict[str, Any] = response.json()
        return result

    def states(self) -> list[dict[str, Any]]:
        """Every entity state."""
        result: list[dict[str, Any]] = self.get("/api/states")
        return result

    def core_state(self) -> str:
        """Home Assistant's core state (NOT_RUNNING, STARTING, RUNNING, STOPPING)."""
        return str(self.get("/api/config")["state"])

    def wait_running(
        self, timeout_s: float = 90.0, details: Callable[[], str] | None = None
    ) -> None:
        """Wait until the core reports RUNNING (startup done, integrations set up)."""
        wait_until(
            lambda: self.core_state() == "RUNNING",
            what="Home Assistant to reach RUNNING",
            timeout_s=timeout_s,
            interval_s=0.5,
            details=details,
        )

    def wait_for_state(
        self,
        entity_id: str,
        accept: Callable[[dict[str, Any]], bool],
        *,
        what: str,
        timeout_s: float = 60.0,
        details: Callable[[], str] | None = None,
    ) -> dict[str, Any]:
        """Poll an entity until `accept(state object)` holds; return that state object."""
        seen: list[str] = []

        def check() -> dict[str, Any] | None:
            state = self.state(entity_id)
            summary = "missing" if state is None else repr(state["state"])
            if not seen or seen[-1] != summary:
                seen.append(summary)
            return state if state is not None and accept(state) else None

        def explain() -> str:
            text = f"states of {entity_id} seen, in order: {', '.join(seen[-12:])}"
            return text + ("\n" + details() if details else "")

        return wait_until(
            check, what=f"{entity_id}: {what}", timeout_s=timeout_s, interval_s=0.5, details=explain
        )

    def registry_entities(self, platform: str) -> dict[str, str]:
        """unique_id → entity_id of one integration's entities (from the entity registry)."""
        entities = self.ws({"type": "config/entity_registry/list"})[0]
        return {e["unique_id"]: e["entity_id"] for e in entities if e["platform"] == platform}

    def call_service_for_response(
        self, domain: str, service: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """Call a service that returns data and return its response."""
        result = self.post(f"/api/services/{domain}/{service}?return_response", data)
        response: dict[str, Any] = result["service_response"]
        return response

    def config_entries(self, domain: str | None = None) -> list[dict[str, Any]]:
        """Config entries, optionally of one domain."""
        query = f"?domain={domain}" if domain else ""
        result: list[dict[str, Any]] = self.get(f"/api/config/config_entries/entry{query}")
        return result

    def call_service(self, domain: str, service: str, data: dict[str, Any]) -> Any:
        """Call a service."""
        return self.post(f"/api/services/{domain}/{service}", data)

    def diagnostics(self, entry_id: str) -> dict[str, Any]:
        """Return a config entry's diagnostics (the `data` part of the download)."""
        data: dict[str, Any] = self.get(f"/api/diagnostics/config_entry/{entry_id}")["data"]
        return data

    # -- repairs and notifications

    def issues(self, domain: str) -> dict[str, dict[str, Any]]:
        """Return the repair issues of a domain that are not ignored, by issue id."""
        found = self.ws({"type": "repairs/list_issues"})[0]["issues"]
        return {
            issue["issue_id"]: issue
            for issue in found
            if issue["domain"] == domain and not issue.get("ignored")
        }

    def fix_issue(self, domain: str, issue_id: str) -> dict[str, Any]:
        """Run a repair's fix flow, confirming each form; return the last step."""
        step: dict[str, Any] = self.post(
            "/api/repairs/issues/fix", {"handler": domain, "issue_id": issue_id}
        )
        while step.get("type") == "form":
            step = self.post(f"/api/repairs/issues/fix/{step['flow_id']}", {})
        return step

    def notifications(self) -> list[dict[str, Any]]:
        """Return the persistent notifications shown now."""
        found: list[dict[str, Any]] = self.ws({"type": "persistent_notification/get"})[0]
        return found

    # -- config flows

    def ensure_mqtt_entry(self, port: int, host: str = LOCALHOST) -> dict[str, Any]:
        """Create the MQTT entry for host:port unless one exists; return the entry."""
        existing = self.config_entries(MQTT_DOMAIN)
        if existing:
            return existing[0]
        flow = self.post("/api/config/config_entries/flow", {"handler": MQTT_DOMAIN})
        if flow.get("step_id") != "broker":
            raise HarnessError(f"unexpected first step of the MQTT flow: {flow}")
        result = self.post(
            f"/api/config/config_entries/flow/{flow['flow_id']}", {"broker": host, "port": port}
        )
        if result.get("type") != "create_entry":
            raise HarnessError(f"the MQTT flow did not create an entry: {result}")
        created: dict[str, Any] = result["result"]
        return created

    def flows_in_progress(self, domain: str) -> list[dict[str, Any]]:
        """Config flows of a domain in progress (e.g. discovered devices awaiting confirmation)."""
        return [
            f
            for f in self.ws({"type": "config_entries/flow/progress"})[0]
            if f["handler"] == domain
        ]

    def configure_flow(self, flow_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Submit one step of a config flow."""
        result: dict[str, Any] = self.post(f"/api/config/config_entries/flow/{flow_id}", data)
        return result

    def subentries(self, entry_id: str) -> list[dict[str, Any]]:
        """Return the subentries of a config entry."""
        result: list[dict[str, Any]] = self.ws(
            {"type": "config_entries/subentries/list", "entry_id": entry_id}
        )[0]
        return result

    def add_subentry(
        self, entry_id: str, subentry_type: str, steps: Sequence[dict[str, Any]]
    ) -> dict[str, Any]:
        """Run a subentry flow (REST) through its form steps; returns the final result."""
        result: dict[str, Any] = self.post(
            "/api/config/config_entries/subentries/flow", {"handler": [entry_id, subentry_type]}
        )
        for data in steps:
            if result.get("type") != "form":
                raise HarnessError(f"subentry flow ended before its data was used: {result}")
            result = self.post(
                f"/api/config/config_entries/subentries/flow/{result['flow_id']}", data
            )
        if result.get("type") != "create_entry":
            raise HarnessError(f"subentry flow did not create an entry: {result}")
        return result

    def set_options(self, entry_id: str, data: dict[str, Any]) -> None:
        """Run a config entry's options flow (REST), submitting its form with `data`."""
        result: dict[str, Any] = self.post(
            "/api/config/config_entries/options/flow", {"handler": entry_id}
        )
        if result.get("type") != "form":
            raise HarnessError(f"options flow did not show its form: {result}")
        result = self.post(f"/api/config/config_entries/options/flow/{result['flow_id']}", data)
        if result.get("type") != "create_entry":
            raise HarnessError(f"options flow did not save the options: {result}")

    # -- websocket

    def ws(self, *commands: dict[str, Any], timeout_s: float = 30.0) -> list[Any]:
        """Send websocket commands one after the other; return their results (errors raise)."""
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(asyncio.wait_for(self._ws(commands), timeout_s))
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    async def _ws(self, commands: Sequence[dict[str, Any]]) -> list[Any]:
        url = self.base_url.replace("http://", "ws://") + "/api/websocket"
        results: list[Any] = []
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            hello = await ws.receive_json()
            if hello.get("type") != "auth_required":
                raise HarnessError(f"unexpected websocket greeting: {hello}")
            await ws.send_json({"type": "auth", "access_token": self.tokens["access_token"]})
            auth = await ws.receive_json()
            if auth.get("type") != "auth_ok":
                raise HarnessError(f"websocket authentication failed: {auth}")
            for number, command in enumerate(commands, start=1):
                await ws.send_json({"id": number, **command})
                while True:
                    reply = await ws.receive_json()
                    if reply.get("id") == number and reply.get("type") == "result":
                        break
                if not reply.get("success"):
                    raise HarnessError(f"websocket command {command} failed: {reply.get('error')}")
                results.append(reply.get("result"))
        return results


def _expect(response: httpx.Response, what: str) -> None:
    if response.status_code >= 400:
        raise HarnessError(f"{what}: HTTP {response.status_code}: {response.text[:500]}")


def _token(base_url: str, form: dict[str, str]) -> dict[str, Any]:
    response = httpx.post(
        f"{base_url}/auth/token", data=form | {"client_id": f"{base_url}/"}, timeout=30
    )
    _expect(response, "get a token")
    tokens: dict[str, Any] = response.json()
    return tokens
