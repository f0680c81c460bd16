"""Real parts on loopback: mosquitto, Home Assistant as a subprocess, and a client for its APIs.

One implementation serves the end-to-end tests (`tests/e2e/conftest.py`) and the development stack
(`scripts/develop` → `tests/e2e/devstack.py`). Everything binds to 127.0.0.1; every process is
started in its own session so that it can be stopped as a group, and `stop_all()` ends whatever is
still running.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import aiohttp
import httpx

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
LOCALHOST = "127.0.0.1"
MQTT_DOMAIN = "mqtt"


class HarnessError(RuntimeError):
    """A real part did not do what the harness expected (with what it saw)."""


# ------------------------------------------------------------------------------------------
# waiting


def wait_until[T](
    check: Callable[[], T | None],
    *,
    what: str,
    timeout_s: float,
    interval_s: float = 0.25,
    details: Callable[[], str] | None = None,
) -> T:
    """Call `check` until it returns something truthy and return that (or a clear TimeoutError).

    Exceptions from `check` count as "not yet" (a server still starting refuses connections); the
    last one, or the last falsy value, is named in the error with `details()` (e.g. a log tail).
    """
    deadline = time.monotonic() + timeout_s
    last: object = None
    while True:
        try:
            value = check()
        except Exception as err:  # reported below when time runs out
            last = err
        else:
            if value:
                return value
            last = value
        if time.monotonic() >= deadline:
            message = f"timed out after {timeout_s:.0f} s waiting for {what} (last seen: {last!r})"
            if details is not None:
                message += "\n" + details()
            raise TimeoutError(message)
        time.sleep(interval_s)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCALHOST, 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(port: int, host: str = LOCALHOST) -> bool:
    """Whether something accepts TCP connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def tail(path: Path, lines: int = 60) -> str:
    """The last lines of a log file, headed by its name (or a note that it does not exist)."""
    if not path.exists():
        return f"--- {path}: no such file"
    text = path.read_text(errors="replace").splitlines()[-lines:]
    return f"--- last {len(text)} lines of {path}\n" + "\n".join(text)


# ------------------------------------------------------------------------------------------
# processes


_RUNNING: list[ManagedProcess] = []


@dataclass
class ManagedProcess:
    """A subprocess in its own session, its output in a log file; stop() ends its whole group."""

    name: str
    argv: Sequence[str]
    log_path: Path
    env: dict[str, str] | None = None
    cwd: Path | None = None
    popen: subprocess.Popen[bytes] | None = field(default=None, init=False)
    _log: IO[bytes] | None = field(default=None, init=False)

    def start(self) -> None:
        """Start the process (appending to its log)."""
        if self.running:
            raise HarnessError(f"{self.name} is already running")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self._log.write(
            f"\n=== {time.strftime('%H:%M:%S')} start: {' '.join(self.argv)}\n".encode()
        )
        self._log.flush()
        self.popen = subprocess.Popen(
            list(self.argv),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
        )
        _RUNNING.append(self)

    @property
    def running(self) -> bool:
        """Whether the process was started and has not exited."""
        return self.popen is not None and self.popen.poll() is None

    @property
    def pid(self) -> int:
        """The process id (an error before start)."""
        if self.popen is None:
            raise HarnessError(f"{self.name} was never started")
        return self.popen.pid

    def signal(self, signum: int) -> None:
        """Send a signal to the process group."""
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signum)

    def stop(self, timeout_s: float = 30.0) -> int | None:
        """SIGTERM the group, wait, SIGKILL if it does not go; returns the exit code."""
        code = None
        if self.popen is not None:
            if self.popen.poll() is None:
                self.signal(signal.SIGTERM)
                try:
                    self.popen.wait(timeout_s)
                except subprocess.TimeoutExpired:
                    self.signal(signal.SIGKILL)
                    self.popen.wait(10)
            # Children that ignored SIGTERM (or outlived the leader) go too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            code = self.popen.returncode
        self._close()
        return code

    def kill(self) -> None:
        """SIGKILL the group at once (a crash, as far as its peers can tell)."""
        if self.popen is not None:
            self.signal(signal.SIGKILL)
            self.popen.wait(10)
        self._close()

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
        if self in _RUNNING:
            _RUNNING.remove(self)

    def log_tail(self, lines: int = 60) -> str:
        """The end of this process's log."""
        return tail(self.log_path, lines)


def stop_all() -> None:
    """Stop every process the harness started that still runs, newest first."""
    for process in reversed(list(_RUNNING)):
        process.stop(timeout_s=15)


# ------------------------------------------------------------------------------------------
# mosquitto


def mosquitto_binary() -> str:
    """The mosquitto broker executable (a clear error naming the fix when missing)."""
    found = shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if Path(p).exists()), None
    )
    if found is None:
        raise HarnessError(
            "mosquitto is not installed: run scripts/ensure-services as root, "
            "or 'sudo apt-get install mosquitto'"
        )
    return found


class Mosquitto:
    """A mosquitto broker on 127.0.0.1 in the foreground, logging to stdout (a file in run_dir)."""

    def __init__(self, run_dir: Path, port: int | None = None, *, persistent: bool = False) -> None:
        """Prepare a broker whose config, log and (optionally) retained data live in run_dir."""
        self.run_dir = run_dir
        self.port = port or free_port()
        self.persistent = persistent
        run_dir.mkdir(parents=True, exist_ok=True)
        conf = run_dir / "mosquitto.conf"
        lines = [
            f"listener {self.port} {LOCALHOST}",
            "allow_anonymous true",
            "log_dest stdout",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages true",
            # Started as root, mosquitto would drop to user 'mosquitto' and lose its data folder.
            f"user {pwd.getpwuid(os.getuid()).pw_name}",
        ]
        if persistent:
            lines += [
                "persistence true",
                f"persistence_location {run_dir}/",
                "autosave_interval 30",
            ]
        conf.write_text("\n".join(lines) + "\n")
        argv = [mosquitto_binary(), "-c", str(conf)]
        if stdbuf := shutil.which("stdbuf"):  # mosquitto block-buffers stdout into a file
            argv = [stdbuf, "-oL", *argv]
        self.process = ManagedProcess("mosquitto", argv, run_dir / "mosquitto.log")

    def start(self, timeout_s: float = 10.0) -> None:
        """Start the broker and wait until it accepts connections."""
        if port_open(self.port):
            raise HarnessError(f"port {self.port} on {LOCALHOST} is already in use")
        self.process.start()
        wait_until(
            lambda: port_open(self.port) or self._exited(),
            what=f"mosquitto to listen on {LOCALHOST}:{self.port}",
            timeout_s=timeout_s,
            details=self.process.log_tail,
        )

    def _exited(self) -> bool:
        if not self.process.running:
            raise HarnessError(f"mosquitto exited at start\n{self.process.log_tail()}")
        return False

    def stop(self) -> None:
        """Stop the broker (SIGTERM: persistent data is saved)."""
        self.process.stop(timeout_s=10)

    def restart(self) -> None:
        """Stop and start again on the same port."""
        self.stop()
        wait_until(
            lambda: not port_open(self.port), what="the old broker's port to close", timeout_s=10
        )
        self.start()


# ------------------------------------------------------------------------------------------
# Home Assistant


def link_integration(config_dir: Path) -> None:
    """Make config_dir/custom_components/retro_balance point at the repository's integration."""
    target = REPO / "custom_components" / "retro_balance"
    link = config_dir / "custom_components" / "retro_balance"
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() and link.resolve() == target.resolve():
        return
    if link.is_symlink() and not link.exists():  # dangling: the repository moved
        link.unlink()
    elif link.is_symlink() or link.exists():
        raise HarnessError(f"{link} exists and is not a link to {target}; remove it and retry")
    # Relative, so that a moved or re-cloned repository keeps a working link.
    link.symlink_to(os.path.relpath(target, link.parent), target_is_directory=True)


def prepare_config_copy(dest: Path) -> Path:
    """Copy the committed config/ (configuration and dashboards) to dest, integration linked."""
    source = REPO / "config"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "configuration.yaml", dest / "configuration.yaml")
    shutil.copytree(source / "dashboards", dest / "dashboards", dirs_exist_ok=True)
    link_integration(dest)
    return dest


class HomeAssistant:
    """`hass -c CONFIG` as a subprocess on 127.0.0.1:port, with its console log in run_dir."""

    def __init__(self, config_dir: Path, run_dir: Path, port: int | None = None) -> None:
        """Prepare (not start) Home Assistant for config_dir."""
        self.config_dir = config_dir
        self.run_dir = run_dir
        self.port = port or free_port()
        self.base_url = f"http://{LOCALHOST}:{self.port}"
        run_dir.mkdir(parents=True, exist_ok=True)
        override = run_dir / "uv-override.txt"
        # Home Assistant's own installer would upgrade pycares to 5.x, which breaks its DNS client.
        override.write_text("pycares<5\n")
        env = dict(os.environ)
        env |= {"RETRO_BALANCE_HTTP_PORT": str(self.port), "UV_OVERRIDE": str(override)}
        env.pop("PYTEST_CURRENT_TEST", None)
        self.process = ManagedProcess(
            "home-assistant",
            [
                str(VENV_BIN / "hass"),
                "-c",
                str(config_dir),
                "--skip-pip",
                "--log-no-color",
                "--log-file",
                str(run_dir / "home-assistant.log"),
            ],
            run_dir / "home-assistant.console.log",
            env=env,
        )

    @property
    def log_path(self) -> Path:
        """Home Assistant's own log file."""
        return self.run_dir / "home-assistant.log"

    def log_tail(self, lines: int = 80) -> str:
        """The end of Home Assistant's log (and of its console when it died early)."""
        parts = [tail(self.log_path, lines)]
        if not self.process.running:
            parts.append(self.process.log_tail(30))
        return "\n".join(parts)

    def start(self, timeout_s: float = 90.0) -> None:
        """Start Home Assistant and wait until its HTTP server answers."""
        if port_open(self.port):
            raise HarnessError(f"port {self.port} on {LOCALHOST} is already in use")
        self.process.start()
        wait_until(
            self._http_answers,
            what=f"Home Assistant's HTTP server on {self.base_url}",
            timeout_s=timeout_s,
            interval_s=0.5,
            details=self.log_tail,
        )

    def _http_answers(self) -> bool:
        if not self.process.running:
            raise HarnessError(f"Home Assistant exited at start\n{self.log_tail()}")
        response = httpx.get(f"{self.base_url}/api/onboarding", timeout=2)
        return response.status_code in (200, 401, 404)

    def onboarded(self) -> bool:
        """Whether the user step of onboarding is done (anonymous probe)."""
        response = httpx.get(f"{self.base_url}/api/onboarding", timeout=5)
        if response.status_code == 404:  # onboarding finished and its views are gone
            return True
        steps = {step["step"]: step["done"] for step in response.json()}
        return bool(steps.get("user"))

    def stop(self, timeout_s: float = 60.0) -> None:
        """Stop gracefully (SIGTERM makes it write its storage); wait for the port to close."""
        if self.process.popen is None:  # never started (e.g. its port was taken)
            return
        self.process.stop(timeout_s=timeout_s)
        wait_until(
            lambda: not port_open(self.port), what="Home Assistant's port to close", timeout_s=10
        )

    def restart(self) -> None:
        """Stop and start again with the same config and port."""
        self.stop()
        self.start()


# ------------------------------------------------------------------------------------------
# Home Assistant's REST and websocket APIs


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
        """What the frontend keeps in localStorage.hassTokens for this session."""
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
        """An entity's state object, or None when Home Assistant has no such entity."""
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
        """The subentries of a config entry."""
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


# ------------------------------------------------------------------------------------------
# the whole stack


@dataclass
class Stack:
    """mosquitto + Home Assistant (onboarded, MQTT configured) in one run folder."""

    run_dir: Path
    config_dir: Path
    broker: Mosquitto
    hass: HomeAssistant
    credentials: Credentials = field(default_factory=Credentials)
    client: HomeAssistantClient | None = None

    @property
    def api(self) -> HomeAssistantClient:
        """The logged-in client (an error before start)."""
        if self.client is None:
            raise HarnessError("the stack is not started")
        return self.client

    def start(self) -> None:
        """Start the broker and Home Assistant; onboard or log in; make sure MQTT is set up."""
        self.broker.start()
        self.hass.start()
        if self.hass.onboarded():
            self.client = HomeAssistantClient.login(self.hass.base_url, self.credentials)
        else:
            self.client = HomeAssistantClient.onboard(self.hass.base_url, self.credentials)
        self.client.wait_running(details=self.hass.log_tail)
        self.client.ensure_mqtt_entry(self.broker.port)

    def restart_hass(self) -> None:
        """Restart Home Assistant and log in again."""
        self.hass.restart()
        self.client = HomeAssistantClient.login(self.hass.base_url, self.credentials)
        self.client.wait_running(details=self.hass.log_tail)

    def stop(self) -> None:
        """Stop Home Assistant, then the broker."""
        try:
            self.hass.stop()
        finally:
            self.broker.stop()

    def diagnostics(self) -> str:
        """Log tails of every part, for a failing test's report."""
        return "\n".join([self.hass.log_tail(), self.broker.process.log_tail(30)])


@contextlib.contextmanager
def running_stack(
    run_dir: Path,
    config_dir: Path,
    *,
    http_port: int | None = None,
    mqtt_port: int | None = None,
    persistent_broker: bool = False,
) -> Iterator[Stack]:
    """A started Stack that is stopped again (processes killed if need be) whatever happens."""
    stack = Stack(
        run_dir=run_dir,
        config_dir=config_dir,
        broker=Mosquitto(run_dir / "mosquitto", mqtt_port, persistent=persistent_broker),
        hass=HomeAssistant(config_dir, run_dir / "hass", http_port),
    )
    try:
        stack.start()
        yield stack
    finally:
        try:
            stack.stop()
        finally:
            stop_all()


def pretty(data: Any) -> str:
    """JSON for messages."""
    return json.dumps(data, indent=2, sort_keys=True, default=str)


def listening_addresses(pid: int) -> list[tuple[str, int]]:
    """The (address, port) pairs that a process listens on for TCP, read from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = str(fd.readlink())
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = []
    for table, width in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:  # 0A = LISTEN
                continue
            address_hex, port_hex = local.split(":")
            raw = bytes.fromhex(address_hex)
            # /proc prints each 32-bit word in host (little-endian) order.
            words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            address = (
                socket.inet_ntop(socket.AF_INET, words)
                if width == 4
                else socket.inet_ntop(socket.AF_INET6, words)
            )
            found.append((address, int(port_hex, 16)))
    return found
