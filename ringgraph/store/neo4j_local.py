"""A local Neo4j Community 5.26 server for development and tests.

The server is the real database engine: ``org.neo4j.server.CommunityEntryPoint`` on the
classpath that Maven resolves from ``neo4j-server/pom.xml`` (jars stay in ``~/.m2``; nothing
downloaded is committed). With the Graph Data Science plugin (the pom's ``gds`` profile,
on by default) the GDS jars are also linked into the server's ``plugins/`` folder, because
Neo4j discovers procedures only by scanning that folder.

Everything the server writes lives under one home folder (default ``neo4j-server/run``,
ignored by git): ``conf/neo4j.conf`` (rewritten at every start), ``data/``, ``logs/``,
``plugins/`` and the pid file ``ringgraph-neo4j.pid``. It listens on loopback only.

Environment
-----------
``NEO4J_PASSWORD``
    Password of user ``neo4j`` on the local server. When unset, the local-development
    default :data:`LOCAL_DEV_PASSWORD` is used: it only ever protects a loopback server.
``RINGGRAPH_NEO4J_HOME``, ``RINGGRAPH_NEO4J_PORT``
    Home folder and Bolt port (default ``neo4j-server/run`` and 7687).
``RINGGRAPH_NEO4J_HEAP``, ``RINGGRAPH_NEO4J_PAGECACHE``
    JVM heap and page cache (default ``1g`` and ``512m``).
``RINGGRAPH_NEO4J_GDS``
    ``0`` starts the server without the GDS plugin.

The password is set through Bolt on first start (``ALTER CURRENT USER``), so it never
appears on a command line, in a file of ours or in a log.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from ringgraph.core.errors import RingGraphError
from ringgraph.store.neo4j_connect import (DEFAULT_PORT, LOCAL_DEV_PASSWORD,  # noqa: F401
                                           local_uri, quiet_driver_logs)

from ringgraph.store.neo4j_process import ENTRY_POINT
from ringgraph.store.neo4j_process import alive as _alive
from ringgraph.store.neo4j_process import is_our_server as _is_our_server
from ringgraph.store.neo4j_process import port_busy as _port_busy
from ringgraph.store.neo4j_process import wait_gone as _wait_gone

from ringgraph.core.atomic import write_text

NEO4J_VERSION = "5.26.24"
PID_FILE = "ringgraph-neo4j.pid"
STATE_FILE = "ringgraph-neo4j.json"

# JVM flags of Neo4j's own launcher (neo4j.conf `server.jvm.additional`) that matter on 17.
_JVM_FLAGS = (
    "-XX:+UseG1GC", "-XX:-OmitStackTraceInFastThrow", "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields", "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024", "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Dlog4j2.disable.jmx=true",
)


class ServerError(RingGraphError):
    """The local server cannot be prepared, started or stopped; one line for the user."""


def repo_root() -> Path:
    """The checkout this package runs from (editable install), where ``neo4j-server/`` is."""
    return Path(__file__).resolve().parents[2]


def server_dir() -> Path:
    """Folder holding ``pom.xml`` (override with ``RINGGRAPH_NEO4J_SERVER_DIR``)."""
    return Path(os.environ.get("RINGGRAPH_NEO4J_SERVER_DIR", repo_root() / "neo4j-server"))


def local_password() -> str:
    """``NEO4J_PASSWORD`` or the local-development default (loopback servers only)."""
    return os.environ.get("NEO4J_PASSWORD") or LOCAL_DEV_PASSWORD


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def resolve_classpath(gds: bool = True, quiet: bool = True) -> list[str]:
    """Jar paths of the server (and GDS), resolving them with Maven when needed.

    Maven runs when the classpath file is missing or older than ``pom.xml``; it downloads
    into ``~/.m2`` on the first run (about 200 MB) and is offline-fast afterwards.
    """
    sdir = server_dir()
    pom = sdir / "pom.xml"
    if not pom.is_file():
        raise ServerError(f"{pom}: not found; the local server needs a ringgraph checkout")
    out = sdir / "target" / ("classpath-gds.txt" if gds else "classpath.txt")
    if not out.is_file() or out.stat().st_mtime < pom.stat().st_mtime or not all(
            Path(j).is_file() for j in out.read_text().strip().split(os.pathsep)):
        mvn = shutil.which("mvn")
        if mvn is None:
            raise ServerError("Maven (mvn) is not installed; it fetches the Neo4j jars "
                              "(apt-get install maven openjdk-17-jdk-headless)")
        # Written under a private name and renamed: concurrent test runs read whole files.
        tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")
        cmd = [mvn, "-B", "-f", str(pom), "package", f"-Dclasspath.file={tmp}"] + (
            ["-Pgds"] if gds else [])
        if quiet:
            cmd.insert(1, "-q")
        proc = subprocess.run(cmd, capture_output=quiet, text=True, stdin=subprocess.DEVNULL)
        if proc.returncode != 0 or not tmp.is_file():
            tmp.unlink(missing_ok=True)
            tail = (proc.stdout or "").strip().splitlines()[-1:] if quiet else []
            raise ServerError(f"mvn could not resolve the Neo4j jars (exit {proc.returncode})"
                              + (f": {tail[0][:200]}" if tail else ""))
        os.replace(tmp, out)
    return out.read_text().strip().split(os.pathsep)


def _env_bool(name: str, default: bool) -> bool:
    v = os.environ.get(name)
    return default if v is None else v.strip().lower() not in ("0", "false", "no", "off", "")


@dataclass
class LocalNeo4j:
    """One local server: its home folder, Bolt port, password and memory.

    Examples
    --------
    >>> srv = LocalNeo4j.from_env()          # doctest: +SKIP
    >>> srv.start(); srv.uri                 # doctest: +SKIP
    'bolt://127.0.0.1:7687'
    >>> srv.stop()                           # doctest: +SKIP
    """

    home: Path
    port: int = DEFAULT_PORT
    password: str = LOCAL_DEV_PASSWORD
    heap: str = "1g"
    pagecache: str = "512m"
    gds: bool = True

    @classmethod
    def from_env(cls, **over) -> "LocalNeo4j":
        """Settings from the ``RINGGRAPH_NEO4J_*`` variables and ``NEO4J_PASSWORD``."""
        kw = dict(
            home=Path(os.environ.get("RINGGRAPH_NEO4J_HOME", server_dir() / "run")),
            port=int(os.environ.get("RINGGRAPH_NEO4J_PORT", DEFAULT_PORT)),
            password=local_password(),
            heap=os.environ.get("RINGGRAPH_NEO4J_HEAP", "1g"),
            pagecache=os.environ.get("RINGGRAPH_NEO4J_PAGECACHE", "512m"),
            gds=_env_bool("RINGGRAPH_NEO4J_GDS", True))
        kw.update({k: v for k, v in over.items() if v is not None})
        kw["home"] = Path(kw["home"]).resolve()
        return cls(**kw)

    # -- paths --------------------------------------------------------------------
    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.home / PID_FILE

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "neo4j.log"

    # -- state --------------------------------------------------------------------
    def pid(self) -> int | None:
        """Pid of this home's server if it is running, else ``None`` (stale files go)."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        if _is_our_server(pid, self.home):
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def answers(self, timeout: float = 2.0) -> bool:
        """Whether the database answers a query (``RETURN 1``) over Bolt with this password."""
        return self.problem(timeout) is None

    def problem(self, timeout: float = 2.0) -> str | None:
        """Why the database does not answer ``RETURN 1`` (one line), or ``None`` if it does.

        A query, not only a login: a database that panicked (heap too small) still accepts
        logins while every query fails.
        """
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, DriverError, Neo4jError

        quiet_driver_logs()
        try:
            with GraphDatabase.driver(self.uri, auth=("neo4j", self.password),
                                      connection_timeout=timeout,
                                      connection_acquisition_timeout=timeout,
                                      max_transaction_retry_time=0) as drv:
                drv.execute_query("RETURN 1", database_="neo4j")
            return None
        except AuthError:
            return "it does not accept the login; check NEO4J_PASSWORD"
        except (Neo4jError, DriverError, OSError) as exc:
            from ringgraph.store.neo4j_errors import message

            return f"a query fails: {type(exc).__name__}: {message(exc)}"

    def status(self) -> dict:
        """``running``, ``pid``, ``uri``, ``home``, ``answers`` (never the password)."""
        pid = self.pid()
        state = {}
        try:
            state = json.loads((self.home / STATE_FILE).read_text())
        except (OSError, ValueError):
            pass
        port = state.get("port", self.port) if pid else self.port
        uri = f"bolt://127.0.0.1:{port}"
        if pid:
            self.port = port
        problem = self.problem() if pid else "not running"
        return {"running": pid is not None, "pid": pid, "uri": uri, "home": str(self.home),
                "gds": state.get("gds", self.gds), "answers": problem is None,
                "problem": problem}

    # -- lifecycle ----------------------------------------------------------------
    def _write_conf(self) -> None:
        conf = self.home / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        lines = [
            "# Written by ringgraph.neo4j_local at every start; edits are overwritten.",
            "server.default_listen_address=127.0.0.1",
            "server.default_advertised_address=127.0.0.1",
            f"server.bolt.listen_address=127.0.0.1:{self.port}",
            f"server.bolt.advertised_address=127.0.0.1:{self.port}",
            # Bolt is all ringgraph speaks; no HTTP port to collide with other servers.
            "server.http.enabled=false",
            "server.https.enabled=false",
            f"server.memory.pagecache.size={self.pagecache}",
            "dbms.security.auth_enabled=true",
            "dbms.usage_report.enabled=false",
            # Large UNWIND batches in one transaction: allow them the memory they need.
            "db.memory.transaction.total.max=0",
            "db.tx_log.rotation.retention_policy=2 files",
        ]
        if self.gds:
            lines.append("dbms.security.procedures.unrestricted=gds.*")
        write_text(conf / "neo4j.conf", "\n".join(lines) + "\n")

    def _link_plugins(self, classpath: list[str]) -> None:
        plugins = self.home / "plugins"
        if plugins.exists():
            shutil.rmtree(plugins)
        plugins.mkdir(parents=True)
        if not self.gds:
            return
        for jar in classpath:
            if "/org/neo4j/gds/" in jar.replace(os.sep, "/"):
                (plugins / Path(jar).name).symlink_to(jar)

    def start(self, timeout: float = 180.0, progress=None) -> dict:
        """Start the server (if this home's server is not already up) and wait for Bolt.

        Returns the :meth:`status`. Raises :class:`ServerError` with one line when Java or
        Maven is missing, the port is taken, the server exits, or Bolt does not answer in
        ``timeout`` seconds.
        """
        if len(self.password) < 8:
            raise ServerError("NEO4J_PASSWORD must have at least 8 characters "
                              "(Neo4j's minimum password length)")
        if self.pid() is not None:
            st = self.status()
            if st["answers"]:
                return st
            raise ServerError(f"a server of {self.home} runs (pid {st['pid']}) but does not "
                              f"accept the password on {st['uri']}")
        java = shutil.which("java")
        if java is None:
            raise ServerError("Java 17 is not installed (apt-get install openjdk-17-jdk-headless)")
        # A server killed a moment ago may hold its socket until its last thread is gone.
        deadline = time.monotonic() + 15
        while _port_busy(self.port) and time.monotonic() < deadline:
            time.sleep(0.3)
        if _port_busy(self.port):
            raise ServerError(f"port {self.port} on 127.0.0.1 is already in use; "
                              "set RINGGRAPH_NEO4J_PORT to another")
        classpath = resolve_classpath(self.gds)
        self.home.mkdir(parents=True, exist_ok=True)
        self._write_conf()
        self._link_plugins(classpath)
        # The system database exists once the server has run (and our password was set).
        first_start = not (self.home / "data" / "databases" / "system").exists()
        (self.home / "logs").mkdir(exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
        env.update(NEO4J_HOME=str(self.home), NEO4J_CONF=str(self.home / "conf"))
        cmd = [java, f"-Xms{self.heap}", f"-Xmx{self.heap}", *_JVM_FLAGS,
               "-cp", os.pathsep.join(classpath), ENTRY_POINT,
               f"--home-dir={self.home}", f"--config-dir={self.home / 'conf'}"]
        with open(self.home / "logs" / "console.log", "ab") as console:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=console,
                                    stderr=subprocess.STDOUT, env=env, cwd=self.home,
                                    start_new_session=True)
        write_text(self.pid_file, f"{proc.pid}\n")
        write_text(self.home / STATE_FILE, json.dumps(
            {"pid": proc.pid, "port": self.port, "gds": self.gds, "neo4j": NEO4J_VERSION}))
        try:
            self._wait_for_bolt(proc, timeout, first_start)
        except BaseException:
            self.kill()
            raise
        return self.status()

    def _wait_for_bolt(self, proc: subprocess.Popen, timeout: float, first_start: bool) -> None:
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, DriverError, Neo4jError

        deadline = time.monotonic() + timeout
        # A brand-new server knows only neo4j/neo4j (expired); set our password first.
        auth = ("neo4j", "neo4j") if first_start else ("neo4j", self.password)
        while True:
            if proc.poll() is not None:
                raise ServerError(f"Neo4j exited with code {proc.returncode} while starting; "
                                  f"see {self.home / 'logs'}")
            if time.monotonic() > deadline:
                raise ServerError(f"Neo4j did not answer on {self.uri} within {timeout:.0f}s; "
                                  f"see {self.home / 'logs'}")
            if _port_busy(self.port):
                try:
                    with GraphDatabase.driver(self.uri, auth=auth,
                                              connection_timeout=5) as drv:
                        if auth[1] == "neo4j":
                            with drv.session(database="system") as s:
                                s.run("ALTER CURRENT USER SET PASSWORD FROM $old TO $new",
                                      old="neo4j", new=self.password).consume()
                            auth = ("neo4j", self.password)
                            continue
                        drv.verify_connectivity()
                        drv.execute_query("RETURN 1", database_="neo4j")
                        return
                except AuthError:
                    raise ServerError(f"{self.home} already has a different password for "
                                      "neo4j; set NEO4J_PASSWORD to it or delete the folder"
                                      ) from None
                except (Neo4jError, DriverError, OSError):
                    pass
            time.sleep(0.5)

    def stop(self, timeout: float = 90.0) -> bool:
        """Stop the server cleanly (SIGTERM, then SIGKILL after ``timeout`` s).

        Returns whether a server was running.
        """
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.3)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, 10)
        self.pid_file.unlink(missing_ok=True)
        return True

    def kill(self) -> bool:
        """SIGKILL the server, as a crash would (for fault tests)."""
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 30)
        self.pid_file.unlink(missing_ok=True)
        deadline = time.monotonic() + 15
        while _port_busy(self.port) and time.monotonic() < deadline:
            time.sleep(0.2)
        return True
