"""Hostile input (issue 14): requests and Azure answers built to break a parser or exhaust the provider.
Each case gets its exact outcome (gRPC code and whole message) within a time bound, the provider's peak RSS
grows by less than a bound (VmHWM, reset before each case through /proc/PID/clear_refs), and the server keeps
serving: a normal mount right after each case succeeds.

Requests: non-JSON and deeply nested JSON, 10 MiB attributes, 100,000 objects, YAML bombs and deep YAML,
non-UTF-8 and NUL bytes, absolute paths and `..` tricks (plain, percent-encoded, backslashes), names over 255
bytes, odd permissions, duplicate aliases, a huge objectVersionHistory. Azure answers (a fake of its own): a
100 MiB Key Vault answer, an endless chunked answer, a JWK with a 1 MB modulus, PFX bombs. And a slow-loris
client on /healthz."""
import base64
import datetime
import json
import signal
import socket
import time

import grpc
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import service_pb2
from driver_client import validate_path
from fakeazure import FakeAzure, seed as S
from fakeazure import pkcs12 as fake_pkcs12
from reliability import (PREFIX, SP, SingleAttempt, class_attributes, objects_yaml, own_provider,  # noqa: F401
                         rss_kib, start_azure_provider)

MIB = 1 << 20
OK = grpc.StatusCode.OK
INVALID = grpc.StatusCode.INVALID_ARGUMENT


# ---- a fake of its own: a vault with hostile content ------------------------------------------------

def self_signed():
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pfx bomb")])
    now = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    return key, cert


def pfx_certificate(key, cert, declared_iterations):
    """A certificate version whose backing secret is a PFX declaring `declared_iterations` MAC rounds."""
    pfx = fake_pkcs12.build_pfx(key, [cert], declared_mac_iterations=declared_iterations)
    return {"cer": base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode(),
            "x5t": base64.urlsafe_b64encode(cert.fingerprint(hashes.SHA1())).rstrip(b"=").decode(),
            "created": 1735689600,
            "secret": {"value": base64.b64encode(pfx).decode(), "content_type": "application/x-pkcs12"}}


def hostile_seed():
    key, cert = self_signed()
    modulus = base64.urlsafe_b64encode(b"\xc1" + b"\x5a" * MIB).rstrip(b"=").decode()   # 8 Mbit RSA "key"
    return {
        "tenant_id": S.TENANT_ID,
        "identities": {"sp": {"type": "application", "client_id": S.SP_CLIENT_ID, "object_id": S.SP_OBJECT_ID,
                              "client_secret": S.SP_CLIENT_SECRET}},
        "vaults": [{"name": "kv-demo", "access": ["sp"],
                    "secrets": [{"name": "db-password",
                                 "versions": [{"value": "s3cr3t-Pa55w0rd!", "created": 1735689600}]}],
                    "keys": [{"name": "big-jwk", "versions": [
                        {"version": "b16b16b16b16b16b16b16b16b16b16b1", "created": 1735689600,
                         "jwk": {"kty": "RSA", "n": modulus, "e": "AQAB", "key_ops": ["verify"]}}]}],
                    "certificates": [
                        {"name": "pfx-bomb", "versions": [
                            dict(pfx_certificate(key, cert, 2**31 - 1), version="b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0")]},
                        {"name": "pfx-at-the-cap", "versions": [
                            dict(pfx_certificate(key, cert, 10_000_000), version="cafecafecafecafecafecafecafecafe")]},
                    ]}],
    }


@pytest.fixture(scope="module")
def hostile():
    """(fakes, provider, single-attempt channel) with a 10 s mount timeout."""
    fa = FakeAzure.start(seed=hostile_seed())
    process = start_azure_provider(fa, "--mount-timeout=10s")
    channel = SingleAttempt(process.socket_path)
    yield fa, process, channel
    channel.close()
    process.stop()
    fa.stop()


@pytest.fixture(autouse=True)
def _reset_hostile_fakes(request):
    """No fault or log of one case reaches the next."""
    if "hostile" in request.fixturenames:
        request.getfixturevalue("hostile")[0].reset()
    yield


# ---- measuring one case -----------------------------------------------------------------------------

def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))


def reset_peak(pid):
    with open(f"/proc/{pid}/clear_refs", "w") as f:   # "5": reset the peak RSS to the current RSS
        f.write("5")


def measured(process, call):
    """(result of call(), peak RSS growth in MiB while it ran)."""
    pid = process.process.pid
    reset_peak(pid)
    base = rss_kib(pid)
    result = call()
    return result, (peak_rss_kib(pid) - base) / 1024


def assert_still_serving(fa, channel):
    fa.reset()
    code, files, seconds = channel.call(channel.request(class_attributes("db-password")), timeout=10)
    assert (code, files) == (OK, 1) and seconds < 2, (code, files, seconds)


# ---- requests ---------------------------------------------------------------------------------------

def attrs_json(**extra):
    return json.dumps(dict(class_attributes("db-password"), **extra))


def with_objects(text):
    attributes = class_attributes("db-password")
    attributes["objects"] = text
    return json.dumps(attributes)


def alias(value):
    return with_objects(objects_yaml({"objectName": "db-password", "objectType": "secret", "objectAlias": value}))


def billion_laughs():
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\narray: *a9\n"


def many_objects(n):
    """`objects` with n entries in YAML flow style (about 20 bytes each)."""
    return "array: [" + ",".join(f'"objectName: s{i}"' for i in range(n)) + "]"


OBJ0 = f'{PREFIX}objects[0] (objectName "db-password"): '
NOT_JSON = f"{PREFIX}failed to unmarshal attributes: not valid JSON "
PERMISSION = f"{PREFIX}failed to unmarshal file permission: "
NAME_300 = "n" * 300
TOO_LARGE = ("provider bug: a request over gRPC's 4 MiB message limit is answered with RST_STREAM (the client sees "
             "CANCELLED 'Stream removed (RST_STREAM (Received RST_STREAM with error code 8))'), not RESOURCE_EXHAUSTED "
             "naming the limit as grpc-go answers ('grpc: received message larger than max (N vs. 4194304)')")
# (id, attributes JSON text, permission text, code, whole message (or, for OK, the one file's path), seconds, MiB)
REQUEST_CASES = [
    ("attributes-not-json", "this is not json", "420", INVALID, NOT_JSON + "(Invalid value around character 1.)", 1, 8),
    ("attributes-json-array", "[1,2,3]", "420", INVALID,
     f"{PREFIX}failed to unmarshal attributes: expected a JSON object of strings, got an array", 1, 8),
    ("json-nested-200k-arrays", "[" * 200_000 + "]" * 200_000, "420", INVALID,
     NOT_JSON + "(Too many nested arrays or dictionaries around character 513.)", 2, 16),
    ("json-nested-100k-objects", '{"a":' * 100_000 + "1" + "}" * 100_000, "420", INVALID,
     NOT_JSON + "(Too many nested arrays or dictionaries around character 2561.)", 2, 16),
    pytest.param("attributes-10-MiB", attrs_json(padding="x" * (10 * MIB)), "420", grpc.StatusCode.RESOURCE_EXHAUSTED,
                 None, 2, 16, marks=pytest.mark.xfail(strict=True, reason=TOO_LARGE)),
    ("attributes-just-over-1-MiB", attrs_json(padding="x" * (MIB + 16)), "420", INVALID,
     f"{PREFIX}attributes are 1048973 bytes, more than the limit of 1048576", 2, 24),
    ("100k-objects", with_objects(many_objects(100_000)), "420", INVALID,
     f"{PREFIX}failed to unmarshal attributes: larger than 2097152 bytes", 3, 64),
    ("1001-objects", with_objects(many_objects(1001)), "420", INVALID,
     f"{PREFIX}objects array has 1001 entries, more than the limit of 1000", 1, 16),
    ("yaml-billion-laughs", with_objects(billion_laughs()), "420", INVALID,
     f"{PREFIX}YAML anchors and aliases are not supported in objects", 1, 8),
    ("yaml-nested-600", with_objects("array:\n  - " + "[" * 600 + "]" * 600 + "\n"), "420", INVALID,
     f"{PREFIX}objects[0]: unmarshal failed for keyVaultObjects at index 0, error: the entry must be a "
     'YAML mapping of object fields, e.g. "objectName: name"', 1, 16),
    pytest.param("yaml-nested-10k", with_objects("array:\n  - " + "[" * 10_000 + "]" * 10_000 + "\n"), "420",
                 INVALID, "at most 4 KiB", 2, 32),
    ("nul-in-object-name", with_objects(objects_yaml({"objectName": "db\x00password", "objectType": "secret"})),
     "420", INVALID, f"{PREFIX}failed to yaml unmarshal objects, error: 3:19: error: reader: control characters are "
                     "not allowed:\n    objectName: db\x00password\n                  ^", 1, 8),
    ("nul-in-attribute-key", attrs_json(**{"bad\x00key": "v"}), "420", OK, "db-password", 1, 8),  # unknown key: ignored
    ("absolute-alias", alias("/etc/passwd"), "420", INVALID,
     OBJ0 + 'objectAlias: file name must be a relative path, got "/etc/passwd"', 1, 8),
    ("dotdot-alias", alias("../../etc/cron.d/x"), "420", INVALID, OBJ0 + "objectAlias: file name must not contain '..'", 1, 8),
    ("dotdot-inside-alias", alias("a/../../x"), "420", INVALID, OBJ0 + "objectAlias: file name must not contain '..'", 1, 8),
    ("dot-alias", alias("./x"), "420", INVALID, OBJ0 + 'objectAlias: file name "./x" is not a clean path, write "x"', 1, 8),
    # Percent-encoding means nothing to a file system: "%2e%2e" is a plain directory name below the target.
    ("percent-encoded-dotdot-alias", alias('"%2e%2e/%2e%2e/x"'), "420", OK, "%2e%2e/%2e%2e/x", 1, 8),
    ("backslash-dotdot-alias", alias("..\\..\\x"), "420", INVALID,
     OBJ0 + "objectAlias: file name must not start with '..', got \"..\\..\\x\"", 1, 8),
    ("backslashes-inside-alias", alias("x\\..\\..\\y"), "420", OK, "x\\..\\..\\y", 1, 8),   # one plain file name
    ("dotdot-object-name", with_objects(objects_yaml({"objectName": "../db-password", "objectType": "secret"})),
     "420", INVALID, f'{PREFIX}objects[0] (objectName "../db-password"): objectName "../db-password" is not valid: '
                     "Key Vault object names are 1 to 127 characters of 0-9, a-z, A-Z and -", 1, 8),
    ("alias-256-bytes", alias("a" * 256), "420", INVALID,
     OBJ0 + 'objectAlias: file name element "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..." is 256 bytes, more than 255', 1, 8),
    ("alias-path-4097-bytes", alias("/".join(["b" * 200] * 21)[:4097]), "420", INVALID,
     OBJ0 + "objectAlias: file name is 4097 bytes, more than 4096", 1, 8),
    ("object-name-300-bytes", with_objects(objects_yaml({"objectName": NAME_300, "objectType": "secret"})), "420",
     INVALID, f'{PREFIX}objects[0] (objectName "{NAME_300}"): objectName "{NAME_300}" is not valid: Key Vault object '
              "names are 1 to 127 characters of 0-9, a-z, A-Z and -", 1, 8),
    ("permission-negative", attrs_json(), "-1", INVALID,
     PERMISSION + '"-1" is not a decimal file mode such as 420 (= 0644)', 1, 8),
    ("permission-huge", attrs_json(), "99999999999999999999", INVALID,
     PERMISSION + '"99999999999999999999" is not a decimal file mode such as 420 (= 0644)', 1, 8),
    ("permission-above-0777", attrs_json(), "4096", INVALID, PERMISSION + "4096 is outside 0..511 (0000..0777)", 1, 8),
    ("permission-float", attrs_json(), "420.5", INVALID,
     PERMISSION + '"420.5" is not a decimal file mode such as 420 (= 0644)', 1, 8),
    ("permission-null", attrs_json(), "null", INVALID,
     PERMISSION + '"null" is not a decimal file mode such as 420 (= 0644)', 1, 8),
    ("permission-json-string", attrs_json(), '"420"', OK, "db-password", 1, 8),   # lenient: the number in a string
    ("duplicate-alias", with_objects(objects_yaml(
        {"objectName": "db-password", "objectType": "secret", "objectAlias": "same"},
        {"objectName": "app-secret", "objectType": "secret", "objectAlias": "same"})), "420", INVALID,
     f'{PREFIX}objects[1] (objectName "app-secret"): file path "same" conflicts with "same" of objects[0] '
     "(objectName \"db-password\"): two objects cannot write the same file or a file inside another's path; set a "
     "distinct objectAlias", 1, 8),
    ("history-huge", with_objects(objects_yaml(
        {"objectName": "db-password", "objectType": "secret", "objectVersionHistory": "99999999999999999999999"})),
     "420", INVALID, OBJ0 + 'objectVersionHistory "99999999999999999999999" is not valid: must be a whole number from '
                            "0 to 100 (0 or 1 = a single file)", 1, 8),
    ("history-101", with_objects(objects_yaml(
        {"objectName": "db-password", "objectType": "secret", "objectVersionHistory": 101})), "420", INVALID,
     OBJ0 + 'objectVersionHistory "101" is not valid: must be a whole number from 0 to 100 (0 or 1 = a single file)',
     1, 8),
]


@pytest.mark.parametrize("case_id, attributes, permission, code, expected, seconds, mib", REQUEST_CASES,
                         ids=[c.values[0] if hasattr(c, "marks") else c[0] for c in REQUEST_CASES])
def test_hostile_request(hostile, case_id, attributes, permission, code, expected, seconds, mib):
    fa, process, channel = hostile
    request = channel.request(raw_attributes=attributes, permission=permission)
    (got_code, details, elapsed), peak = measured(process, lambda: channel.call(request, timeout=30))
    assert got_code == code, details
    if code == OK:
        paths = [f.path for f in channel.stub.Mount(request, timeout=30).files]
        assert paths == [expected]
        for path in paths:
            validate_path(path)     # the driver writes it below the target, nowhere else
    elif expected == "at most 4 KiB":
        assert len(details) <= 4096, f"a {len(details)}-byte message"
    elif expected is not None:
        assert details == expected
    assert elapsed < seconds, elapsed
    assert peak < mib, f"peak RSS grew by {peak:.1f} MiB"
    assert_still_serving(fa, channel)


def test_after_a_request_over_the_grpc_limit_the_server_keeps_serving(hostile):
    """Whatever the answer to a 10 MiB request (see the xfail above), it is immediate, costs no memory, and the
    next mount is served."""
    fa, process, channel = hostile
    request = channel.request(raw_attributes=attrs_json(padding="x" * (10 * MIB)))
    (code, _, elapsed), peak = measured(process, lambda: channel.call(request, timeout=30))
    assert code != OK and elapsed < 2 and peak < 16, (code, elapsed, peak)
    assert_still_serving(fa, channel)


def test_non_utf8_bytes_in_a_string_field(hostile):
    """Protobuf strings must be UTF-8: a request whose attributes carry 0xFF 0xFE and a NUL (a client that
    skips the check, written byte by byte) is refused as a bad request, and the server keeps serving."""
    fa, process, channel = hostile
    wire = channel.request(class_attributes("db-password")).SerializeToString()
    assert wire.count(b"kv-demo") == 1
    hostile_wire = wire.replace(b"kv-demo", b"kv-\xff\xfe\x00o")   # same length: the framing stays valid
    mount = channel.channel.unary_unary("/v1alpha1.CSIDriverProvider/Mount",
                                        response_deserializer=service_pb2.MountResponse.FromString)
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as error:
        mount(hostile_wire, timeout=10)
    assert (error.value.code(), error.value.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT, "Can't deserialize to message of type V1alpha1_MountRequest.")
    assert time.monotonic() - started < 1
    assert_still_serving(fa, channel)


# ---- Azure answers ----------------------------------------------------------------------------------

BODY_TOO_LARGE = f"{PREFIX}failed to get objectType:secret, objectName:db-password, objectVersion:: GET https://kv-demo.vault.azure.net/secrets/db-password/: response body larger than 4194304 bytes"


@pytest.mark.parametrize("kind, options", [
    ("huge", {"size": 100 * MIB}),
    ("chunked_endless", {"seconds": 30, "interval": 0.001}),
], ids=["100-MiB-answer", "endless-chunked-answer"])
def test_an_oversized_key_vault_answer_is_cut_at_4_MiB(hostile, kind, options):
    """The provider reads at most 4 MiB of an answer (Key Vault's values are at most 25 KB): a 100 MiB answer
    (declared by Content-Length) or one that never ends fails at once, is not retried, and stays cheap."""
    fa, process, channel = hostile
    fa.reset()
    fault = fa.inject("keyvault", kind, count=None, **options)
    request = channel.request(class_attributes("db-password"))
    (code, details, elapsed), peak = measured(process, lambda: channel.call(request, timeout=30))
    assert (code, details) == (grpc.StatusCode.UNAVAILABLE, BODY_TOO_LARGE)
    assert elapsed < 3, elapsed
    assert peak < 24, f"peak RSS grew by {peak:.1f} MiB"
    assert [(r["status"], r["fault"]) for r in fa.requests("keyvault")] == [(200, kind)]
    assert_still_serving(fa, channel)


@pytest.mark.xfail(strict=True, reason=(
    "provider bug: after refusing an answer over 4 MiB the provider does not hang up: in some runs it reads the "
    "whole 100 MiB answer and keeps the connection (the fake counts 99 MiB written, never sees a close), in others "
    "it stops at about 9 MiB and closes after 5 s; of the endless chunked answer it reads about 225 MiB in the 5 s "
    "before closing (490 ms of provider CPU). A hostile or broken server gets unbounded reads"))
@pytest.mark.parametrize("kind, options", [
    ("huge", {"size": 100 * MIB}),
    ("chunked_endless", {"seconds": 30, "interval": 0.001}),
], ids=["100-MiB-answer", "endless-chunked-answer"])
def test_an_oversized_answer_is_not_read_past_the_limit(hostile, kind, options):
    fa, _, channel = hostile
    fault = fa.inject("keyvault", kind, count=None, **options)
    assert channel.call(channel.request(class_attributes("db-password")), timeout=30)[0] == grpc.StatusCode.UNAVAILABLE
    # Hung up within 3 s, after at most 32 MiB (the 4 MiB read plus the loopback and proxy socket buffers).
    assert fa.wait_closed(fault, 1, timeout=3), f"not closed; {fa.streamed_bytes(fault) >> 20} MiB written"
    assert fa.streamed_bytes(fault) <= 32 * MIB, f"{fa.streamed_bytes(fault) >> 20} MiB read"


def test_a_jwk_with_a_1_MB_modulus_is_converted_within_bounds(hostile):
    """An RSA JWK whose modulus is 1 MiB (8 Mbit; Key Vault's largest is 4096 bits) is converted as the Go
    provider converts it (a PKIX PEM), in bounded time and memory, without retries."""
    fa, process, channel = hostile
    request = channel.request(class_attributes({"objectName": "big-jwk", "objectType": "key"}))
    (code, files, elapsed), peak = measured(process, lambda: channel.call(request, timeout=30))
    assert (code, files) == (OK, 1)
    assert elapsed < 3, elapsed
    assert peak < 64, f"peak RSS grew by {peak:.1f} MiB"
    pem = channel.stub.Mount(request, timeout=30).files[0].contents
    public = serialization.load_pem_public_key(pem)
    assert public.key_size == 8 * MIB + 8   # 0xC1 then 1 MiB of 0x5A: the modulus as given, not truncated
    assert_still_serving(fa, channel)


@pytest.mark.parametrize("name, version, seconds", [
    ("pfx-bomb", "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0", 1),
    ("pfx-at-the-cap", "cafecafecafecafecafecafecafecafe", 3),
], ids=["2^31-1-iterations", "10M-iterations"])
def test_a_pfx_bomb_is_refused_in_bounded_time(hostile, name, version, seconds):
    """A PFX declaring 2^31-1 MAC iterations would cost minutes of CPU; one at 10 million (plus its bags'
    own rounds) is over the provider's total too: both are refused with the reason, in bounded time."""
    fa, process, channel = hostile
    request = channel.request(class_attributes({"objectName": name, "objectType": "secret"}))
    (code, details, elapsed), peak = measured(process, lambda: channel.call(request, timeout=30))
    assert (code, details) == (INVALID, f"{PREFIX}failed to get objectType:secret, objectName:{name}, "
                                        f"objectVersion:{version}: failed to decode PKCS#12: more than 10000000 "
                                        "key-derivation iterations")
    assert elapsed < seconds, elapsed
    assert peak < 16, f"peak RSS grew by {peak:.1f} MiB"
    assert_still_serving(fa, channel)


# ---- slow-loris clients on /healthz -----------------------------------------------------------------

def slow_clients(port, count, partial=True):
    """`count` connections to /healthz that send part of a request head (or nothing) and then stall."""
    clients = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        if partial:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        clients.append(s)
    return clients


def closed_by_server(s, timeout):
    """True once the server has closed this connection (EOF or reset), within `timeout` seconds."""
    s.settimeout(timeout)
    try:
        return s.recv(1024) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


def test_slow_loris_within_the_connection_cap(own_provider):
    """20 stalled clients (the provider admits 32 at once): /healthz still answers at once, mounts work, and
    the provider drops each stalled client after its request timeout (10 s + --healthz-timeout)."""
    process, client = own_provider("--healthz-timeout=1s")
    stalled = slow_clients(process.healthz_port, 20)
    try:
        started = time.monotonic()
        answer = requests.get(process.healthz_url, timeout=5)
        assert (answer.status_code, answer.text, time.monotonic() - started < 2) == (200, "ok", True)
        assert client.mount(class_attributes("db-password"), SP).files[0].contents == b"s3cr3t-Pa55w0rd!"
        deadline = time.monotonic() + 14
        assert all(closed_by_server(s, max(0.1, deadline - time.monotonic())) for s in stalled)
    finally:
        for s in stalled:
            s.close()
    assert process.process.poll() is None


def test_slow_loris_over_the_connection_cap_does_not_crash(own_provider):
    process, client = own_provider()
    stalled = slow_clients(process.healthz_port, 40, partial=False)
    try:
        time.sleep(2)
        assert "Fatal error" not in process.log()
        assert process.process.poll() is None
        assert client.mount(class_attributes("db-password"), SP, timeout=5).files[0].contents == b"s3cr3t-Pa55w0rd!"
    finally:
        for s in stalled:
            s.close()
        if "Fatal error" in process.log():
            process.stop(sig=signal.SIGKILL)   # do not wait for the crashing process's backtrace (about 9 s)
