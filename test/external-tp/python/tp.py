#!/usr/bin/env python3
"""A Baidu Smart Program third-party platform (第三方平台, TP) in Python 3, standard library only.

An independent implementation of the documented protocol (the reference's §1, §2, §3, §5.4: README, "Where the
rules come from"), used to prove that baidu-tp-preflight's external mode tests a TP written in another language end
to end.
AES-256-CBC is done by the `openssl` command line tool; everything else (padding, message layout, signatures,
HTTP) is done here.

Configuration, from the environment only:
  TP_CLIENT_ID         the TP's Key (client_id)
  TP_APP_ID            the numeric tpAppId (pushes carry it; a mismatch is logged)
  TP_MESSAGE_TOKEN     消息验证TOKEN
  TP_ENCODING_AES_KEY  消息加解密Key (43 characters)
  BAIDU_OPENAPI_URL    Baidu's OpenAPI base, e.g. http://127.0.0.1:4010 (also the authorization page base)
  TP_PORT              the port to listen on, on 127.0.0.1 (0 = any free port)

Routes:
  POST /baidu/auth   授权事件接收URL: ticket and AUTHORIZED / UPDATE_AUTHORIZED / UNAUTHORIZED pushes
  POST /baidu/msg    消息与事件接收URL: the echoStr handshake and encrypted event pushes
  GET  /authorize    授权发起页: a link to Baidu's authorization page
  GET  /callback     redirect_uri: exchanges authorization_code, reads app/info
  POST /hook         baidu-tp-preflight's hook contract ({"action", "appId"}): upload-package, submit-audit,
                     release, payment-onboard, read-app-info, restart; anything else answers 501

Nothing calls Baidu until a push, a browser or the hook asks for it, so the TP may start before Baidu is reachable.
"""

import base64
import hashlib
import hmac
import html
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None or value == "":
        sys.stderr.write(f"tp.py: the environment variable {name} is required\n")
        sys.exit(2)
    return value


CLIENT_ID = env("TP_CLIENT_ID")
TP_APP_ID = env("TP_APP_ID")
MESSAGE_TOKEN = env("TP_MESSAGE_TOKEN")
ENCODING_AES_KEY = env("TP_ENCODING_AES_KEY")
BAIDU = env("BAIDU_OPENAPI_URL").rstrip("/")
PORT = int(env("TP_PORT", "0"))

AUTH_PAGE = "/mappconsole/tp/authorization"
PAD_BLOCK = 32


def log(line):
    sys.stderr.write(f"[tp.py {time.strftime('%H:%M:%S')}] {line}\n")
    sys.stderr.flush()


# ---------------------------------------------------------------------------------------------------------------
# Push crypto (§2.3, §2.4, §2.7)

if len(ENCODING_AES_KEY) != 43:
    sys.stderr.write("tp.py: TP_ENCODING_AES_KEY must be exactly 43 characters\n")
    sys.exit(2)
AES_KEY = base64.b64decode(ENCODING_AES_KEY + "=")
if len(AES_KEY) != 32:
    sys.stderr.write("tp.py: TP_ENCODING_AES_KEY does not decode to 32 bytes\n")
    sys.exit(2)
AES_IV = AES_KEY[:16]


class BadPush(Exception):
    pass


def sha1_sorted(parts):
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def same_signature(expected, given):
    return hmac.compare_digest(expected.lower().encode(), (given or "").lower().encode())


def aes_decrypt(ciphertext):
    """AES-256-CBC without cipher padding, by the openssl CLI (the 32-byte padding is Baidu's, removed below)."""
    if not ciphertext or len(ciphertext) % 16:
        raise BadPush(f"ciphertext length {len(ciphertext)} is not a positive multiple of 16")
    proc = subprocess.run(
        ["openssl", "enc", "-d", "-aes-256-cbc", "-nopad", "-K", AES_KEY.hex(), "-iv", AES_IV.hex()],
        input=ciphertext, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=5,
    )
    if proc.returncode != 0:
        raise BadPush(f"openssl failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def unpad32(data):
    n = data[-1] if data else 0
    return data[:-n] if 1 <= n <= PAD_BLOCK else data


def open_push(raw_body):
    """Verifies MsgSignature and decrypts a push envelope; returns the decrypted JSON object."""
    try:
        envelope = json.loads(raw_body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadPush(f"the body is not a JSON envelope: {e}")
    if not isinstance(envelope, dict):
        raise BadPush("the body is not a JSON object")
    encrypt = envelope.get("Encrypt")
    if not isinstance(encrypt, str):
        raise BadPush("the envelope has no Encrypt")
    # TimeStamp and Nonce are strings in Baidu's samples; accept numbers too (§2.2).
    parts = [MESSAGE_TOKEN, str(envelope.get("TimeStamp", "")), str(envelope.get("Nonce", "")), encrypt]
    if not same_signature(sha1_sorted(parts), str(envelope.get("MsgSignature", ""))):
        raise BadPush("MsgSignature does not match")
    try:
        ciphertext = base64.b64decode(encrypt, validate=True)
    except ValueError as e:
        raise BadPush(f"Encrypt is not base64: {e}")
    plain = unpad32(aes_decrypt(ciphertext))
    if len(plain) < 20:
        raise BadPush("the decrypted message is too short")
    (length,) = struct.unpack(">I", plain[16:20])
    if length > len(plain) - 20:
        raise BadPush(f"the message length {length} exceeds the decrypted data (wrong key?)")
    message = plain[20:20 + length]
    identifier = plain[20 + length:].decode("utf-8", errors="replace")
    # Baidu does not say whether the trailer is the client_id or the tpAppId (§2.4): log, never reject.
    if identifier not in (CLIENT_ID, TP_APP_ID):
        log(f"push trailer {identifier!r} is neither the client_id nor the tpAppId")
    try:
        return json.loads(message.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadPush(f"the decrypted message is not JSON: {e}")


# ---------------------------------------------------------------------------------------------------------------
# Baidu OpenAPI client (§0.2 envelopes: W {errno,msg,data}, R raw OAuth, G gateway {error_code,error_msg})

class BaiduError(Exception):
    def __init__(self, envelope, code, message, path):
        super().__init__(f"{path}: {envelope} error {code}: {message}")
        self.envelope, self.code, self.path = envelope, code, path


class ActionError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


# Direct connections: Baidu's base URL is configured explicitly, a proxy from the environment must not intervene.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def multipart(fields, files):
    boundary = "----tppy" + uuid.uuid4().hex
    out = []
    for name, value in fields.items():
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content_type, content) in files.items():
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


def request(method, path, query=None, form=None, files=None):
    """One HTTP call to Baidu; returns the parsed JSON whatever the HTTP status."""
    url = BAIDU + path + ("?" + urllib.parse.urlencode(query) if query else "")
    data, headers = None, {"Accept": "application/json"}
    if files is not None:
        data, headers["Content-Type"] = multipart(form or {}, files)
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with _opener.open(req, timeout=10) as res:
            status, body = res.status, res.read()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        raise BaiduError("transport", None, f"Baidu is unreachable at {BAIDU}: {e}", path)
    try:
        obj = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BaiduError("transport", status, f"HTTP {status}, not JSON: {body[:200]!r}", path)
    log(f"{method} {path} -> HTTP {status} {shorten(obj)}")
    return obj


SECRET_KEYS = {"access_token", "refresh_token", "pre_auth_code", "authorization_code", "ticket"}


def redact(obj):
    """Tokens, tickets and codes never reach the log."""
    if isinstance(obj, dict):
        return {k: ("«redacted»" if k.lower() in SECRET_KEYS else redact(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [redact(v) for v in obj]
    return obj


def shorten(obj):
    text = json.dumps(redact(obj), ensure_ascii=False)
    return text if len(text) < 160 else text[:160] + "…"


def gateway_check(obj, path):
    if isinstance(obj, dict) and "error_code" in obj:
        raise BaiduError("G", obj.get("error_code"), obj.get("error_msg", ""), path)


# Transient answers worth another try, for reads only (a write is never repeated blindly): reference §0.2 gateway
# errors 2 (service temporarily unavailable) and 4 (request limit reached), errnos 500/501/5000 (busy).
TRANSIENT = {("G", 2), ("G", 4), ("W", 500), ("W", 501), ("W", 5000)}


def call_w(method, path, query=None, form=None, files=None, attempts=3):
    """A wrapped business API: returns `data`. GET reads are tried again after a transient error."""
    for attempt in range(attempts):
        try:
            return call_w_once(method, path, query, form, files)
        except BaiduError as e:
            if method != "GET" or attempt == attempts - 1 or (e.envelope, e.code) not in TRANSIENT:
                raise
            log(f"{path}: transient {e.envelope} error {e.code}, trying again")
            time.sleep(0.1 * 2 ** attempt)


def call_w_once(method, path, query=None, form=None, files=None):
    obj = request(method, path, query, form, files)
    gateway_check(obj, path)
    if not isinstance(obj, dict) or "errno" not in obj:
        raise BaiduError("W", None, f"unexpected reply {shorten(obj)}", path)
    if obj["errno"] != 0:
        raise BaiduError("W", obj["errno"], obj.get("msg", ""), path)
    return obj.get("data")


def call_r(path, query):
    """A raw OAuth API (oauth/token): returns the object itself."""
    obj = request("GET", path, query)
    gateway_check(obj, path)
    if not isinstance(obj, dict):
        raise BaiduError("R", None, f"unexpected reply {shorten(obj)}", path)
    if obj.get("error"):
        raise BaiduError("R", obj["error"], obj.get("error_description", ""), path)
    if "errno" in obj and obj["errno"] != 0:
        raise BaiduError("W", obj["errno"], obj.get("msg", ""), path)
    return obj


def token_rejected(e):
    return isinstance(e, BaiduError) and e.envelope == "G" and e.code in (110, 111)


# ---------------------------------------------------------------------------------------------------------------
# Credentials: the newest ticket, the TP token, one authorizer token pair per app, authorization codes

# What a restart must not lose — the newest ticket, the TP token, each app's token pair (its refresh token above all) —
# is kept outside the process: a file of this process's own, readable by it alone and removed when it exits. A real TP
# keeps it in its database or cache service.
STATE_DIR = tempfile.mkdtemp(prefix="tp-py-")
STATE_FILE = os.path.join(STATE_DIR, "state.json")


def remove_state():
    shutil.rmtree(STATE_DIR, ignore_errors=True)


class Credentials:
    def __init__(self):
        self.save_lock = threading.Lock()
        self.lock = threading.Lock()
        self.ticket = None              # (CreateTime, value)
        self.tp_token = None            # (value, expires_at)
        self.tp_token_lock = threading.Lock()
        self.apps = {}                  # app_id -> {"access", "refresh", "expires_at", "info"}
        self.refresh_lock = threading.Lock()
        self.codes = {}                 # authorization code -> {"done": Event, "app_id", "error"}
        self.pending = {}               # app_id -> Event: an exchange from a push is under way, token users wait

    def save(self):
        state = {"ticket": self.ticket, "tp_token": self.tp_token, "apps": {str(k): v for k, v in list(self.apps.items())}}
        with self.save_lock:
            tmp = STATE_FILE + ".tmp"
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
                json.dump(state, f)
            os.replace(tmp, STATE_FILE)

    # As if every instance restarted: what was held in memory is gone, what was saved comes back.
    def restart(self):
        try:
            with open(STATE_FILE) as f:
                state = json.load(f)
        except (OSError, ValueError):
            state = {}
        with self.tp_token_lock, self.lock:
            self.ticket = tuple(state["ticket"]) if state.get("ticket") else None
            self.tp_token = tuple(state["tp_token"]) if state.get("tp_token") else None
            self.apps = {int(k): v for k, v in (state.get("apps") or {}).items()}
            self.codes = {}
            self.pending = {}

    # §2.5: always keep the newest ticket.
    def keep_ticket(self, value, create_time):
        with self.lock:
            if self.ticket is None or create_time >= self.ticket[0]:
                self.ticket = (create_time, value)
        self.save()

    # §1.1, fetched lazily and cached until shortly before it expires.
    def tp_access_token(self):
        with self.tp_token_lock:
            if self.tp_token and self.tp_token[1] - 60 > time.time():
                return self.tp_token[0]
            with self.lock:
                ticket = self.ticket[1] if self.ticket else None
            if not ticket:
                raise ActionError(503, "no ticket has been pushed to the 授权事件接收URL yet")
            data = call_w("GET", "/public/2.0/smartapp/auth/tp/token", {"client_id": CLIENT_ID, "ticket": ticket})
            self.tp_token = (data["access_token"], time.time() + int(data.get("expires_in", 0)))
            self.save()
            return self.tp_token[0]

    def forget_tp_token(self):
        with self.tp_token_lock:
            self.tp_token = None
        self.save()

    def with_tp_token(self, fn):
        try:
            return fn(self.tp_access_token())
        except BaiduError as e:
            if not token_rejected(e):
                raise
            self.forget_tp_token()
            return fn(self.tp_access_token())

    # §1.5 then §1.7, once per code however many times the push and the callback deliver it.
    def use_code(self, code, push_app_id=None):
        with self.lock:
            entry = self.codes.get(code)
            owner = entry is None
            if owner:
                entry = self.codes[code] = {"done": threading.Event(), "app_id": None, "error": None}
        if not owner:
            entry["done"].wait(30)
            if entry["error"]:
                raise entry["error"]
            return entry["app_id"]
        try:
            pair = self.with_tp_token(lambda tp: call_r("/rest/2.0/oauth/token", {
                "access_token": tp, "code": code, "grant_type": "app_to_tp_authorization_code"}))
            # Which app the token is for: app/info says so (the push's appId and the token itself are hints only).
            info = call_w("GET", "/rest/2.0/smartapp/app/info", {"access_token": pair["access_token"]})
            app_id = int(info.get("app_id") or push_app_id or pair["access_token"].rsplit("-", 1)[-1])
            with self.lock:
                self.apps[app_id] = {
                    "access": pair["access_token"], "refresh": pair["refresh_token"],
                    "expires_at": time.time() + int(pair.get("expires_in", 3600)), "info": info,
                }
            self.save()
            granted = "、".join(s.get("scope_name", "") for s in info.get("auth_info") or [])
            log(f"app {app_id} authorized; granted: {granted}")
            entry["app_id"] = app_id
            return app_id
        except Exception as e:
            entry["error"] = e
            with self.lock:
                # Not exchanged: a later delivery of the same code (callback, Baidu's retry) may try again.
                if self.codes.get(code) is entry:
                    del self.codes[code]
            raise
        finally:
            entry["done"].set()

    def seen_code(self, code):
        with self.lock:
            return code in self.codes

    def exchange_from_push(self, code, app_id):
        """AUTHORIZED / UPDATE_AUTHORIZED: exchange in the background; token users of the app wait for it."""
        done = threading.Event()
        with self.lock:
            self.pending[app_id] = done

        def work():
            try:
                self.use_code(code, app_id)
            except Exception as e:
                log(f"exchanging the code pushed for app {app_id} failed: {e}")
            finally:
                with self.lock:
                    if self.pending.get(app_id) is done:
                        del self.pending[app_id]
                done.set()

        threading.Thread(target=work, daemon=True).start()

    def forget_app(self, app_id):
        with self.lock:
            self.apps.pop(app_id, None)
        self.save()

    def app_info(self, app_id):
        with self.lock:
            return (self.apps.get(app_id) or {}).get("info")

    # §1.6: refresh tokens are single use, so one refresh at a time.
    def refresh(self, app_id, stale_access):
        with self.refresh_lock:
            with self.lock:
                pair = self.apps.get(app_id)
            if not pair:
                raise ActionError(409, f"app {app_id} has not authorized this TP")
            if pair["access"] != stale_access:
                return pair["access"]  # another thread refreshed meanwhile
            new = self.with_tp_token(lambda tp: call_r("/rest/2.0/oauth/token", {
                "access_token": tp, "refresh_token": pair["refresh"], "grant_type": "app_to_tp_refresh_token"}))
            with self.lock:
                self.apps[app_id] = {**pair, "access": new["access_token"], "refresh": new["refresh_token"],
                                     "expires_at": time.time() + int(new.get("expires_in", 3600))}
            self.save()  # at once: the refresh token just spent is gone for good
            return new["access_token"]

    def authorizer_token(self, app_id):
        with self.lock:
            pending = self.pending.get(app_id)
        if pending:
            pending.wait(15)  # a re-authorization is being exchanged: the old token no longer works
        with self.lock:
            pair = self.apps.get(app_id)
        if not pair:
            raise ActionError(409, f"app {app_id} has not authorized this TP (no authorizer token)")
        if pair["expires_at"] - 300 > time.time():
            return pair["access"]
        return self.refresh(app_id, pair["access"])

    def with_app_token(self, app_id, fn):
        token = self.authorizer_token(app_id)
        try:
            return fn(token)
        except BaiduError as e:
            if not token_rejected(e):
                raise
            return fn(self.refresh(app_id, token))


creds = Credentials()


# ---------------------------------------------------------------------------------------------------------------
# Hook actions (README "The hook contract")

def png_1x1():
    """A real 1×1 white PNG, built here (stdlib zlib) rather than pasted."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


PNG = png_1x1()
_public_key = None
_public_key_lock = threading.Lock()


def tp_public_key():
    """The TP's RSA public key for Baidu payments (§5.4.4): a fresh 2048-bit pair made with openssl, once."""
    global _public_key
    with _public_key_lock:
        if _public_key is None:
            private = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True, timeout=30).stdout
            _public_key = subprocess.run(["openssl", "pkey", "-pubout"], input=private, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, check=True, timeout=30).stdout.decode().strip()
        return _public_key


def app_get(app_id, path, query=None):
    return creds.with_app_token(app_id, lambda t: call_w("GET", path, {**(query or {}), "access_token": t}))


def app_post(app_id, path, form):
    return creds.with_app_token(app_id, lambda t: call_w("POST", path, {"access_token": t}, form=form))


def packages(app_id):
    return app_get(app_id, "/rest/2.0/smartapp/package/get") or []


def upload_image():
    return creds.with_tp_token(lambda t: call_w(
        "POST", "/file/2.0/smartapp/upload/image", {"access_token": t}, form={"type": "2"},
        files={"multipartFile": ("scan.png", "image/png", PNG)}))


def action_upload_package(app_id, base):
    templates = creds.with_tp_token(lambda t: call_w(
        "GET", "/rest/2.0/smartapp/template/gettemplatelist", {"access_token": t, "page": 1, "page_size": 10}))
    listed = (templates or {}).get("list") or []
    if not listed:
        raise ActionError(409, "the template library is empty: add a draft to it (template/addtotemplate) first")
    template_id = listed[0]["template_id"]
    version = f"1.0.{int(time.time() * 1000) % 100000}"
    app_post(app_id, "/rest/2.0/smartapp/package/upload", {
        "template_id": str(template_id),
        "ext_json": json.dumps({"extEnable": True, "extAppid": app_id, "ext": {"builtBy": "tp.py"}}),
        "user_version": version,
        "user_desc": "tp.py 代码包",
    })
    # The upload is asynchronous (§3.5): follow package/get until this version finished uploading.
    deadline = time.time() + 20
    while time.time() < deadline:
        mine = [p for p in packages(app_id) if p.get("version") == version]
        if mine and mine[0].get("upload_status") == 2:
            return {"packageId": mine[0]["package_id"], "version": version}
        if mine and mine[0].get("upload_status") == 3:
            raise ActionError(502, f"package upload failed: {mine[0].get('upload_err_code')} {mine[0].get('upload_err_msg')}")
        time.sleep(0.1)
    raise ActionError(504, f"version {version} did not finish uploading within 20 s")


def action_submit_audit(app_id, base):
    quota = app_get(app_id, "/rest/2.0/smartapp/package/auditquota") or {}
    if quota.get("remain_times") == 0:
        raise ActionError(409, "the audit quota of this period is used up (package/auditquota remain_times = 0)")
    dev = [p for p in packages(app_id) if p.get("status") == 3 and p.get("upload_status") == 2]
    if not dev:
        raise ActionError(409, "no uploaded development package to submit (upload-package first)")
    package_id = dev[0]["package_id"]
    app_post(app_id, "/rest/2.0/smartapp/package/submitaudit",
             {"package_id": str(package_id), "content": "tp.py 提交审核", "remark": "submitted by tp.py"})
    return {"packageId": package_id, "remainTimes": quota.get("remain_times")}


def action_release(app_id, base):
    # Only a package that passed audit (status 6) can be released; give a pending audit a few seconds.
    deadline = time.time() + 5
    while True:
        passed = [p for p in packages(app_id) if p.get("status") == 6]
        if passed:
            break
        if time.time() > deadline:
            raise ActionError(409, "no package has passed audit (status 6) yet")
        time.sleep(0.2)
    package_id = passed[0]["package_id"]
    app_post(app_id, "/rest/2.0/smartapp/package/release", {"package_id": str(package_id)})
    return {"packageId": package_id}


def action_payment_onboard(app_id, base):
    front, back, permit = upload_image(), upload_image(), upload_image()
    app_post(app_id, "/rest/2.0/smartapp/pay/account/create", {
        "business_scope": "软件开发与信息技术服务", "business_province": "广东省", "business_city": "深圳市",
        "business_detail_address": "南山区科技园一路1号", "legal_person": "李四", "legal_id": "11010519491231002X",
        "id_card_front_url": front, "id_card_back_url": back,
        "legal_card_start_time": "2018-06-01", "legal_card_end_time": "2038-06-01",
        "license_start_time": "2015-03-01", "license_end_time": "9999-12-31",
        "industry_id": "1", "manage_permit_url": permit, "auth_capital": "500000",
        "manager_same": "1", "benefit_same": "1",
    })
    app_post(app_id, "/rest/2.0/smartapp/pay/developconfig/submit", {
        "tp_public_key": tp_public_key(),
        "pay_notify_url": f"{base}/pay/notify",
        "refund_audit_url": f"{base}/pay/refund-audit",
        "refund_succ_url": f"{base}/pay/refund-done",
    })
    app_post(app_id, "/rest/2.0/smartapp/pay/paymentservice/create", {
        "app_name": "tp.py 测试小程序", "service_phone": "4001234567", "bank_account": "tp.py 测试主体",
        "bank_card": "6217000010001234567", "bank_name": "中国建设银行", "bank_branch": "深圳科技园支行",
        "open_province": "广东省", "open_city": "深圳市", "payment_days": "7", "commission_rate": "6",
        "pool_cash_pledge": "0", "day_max_frozen_amount": "5000", "bank_phone_number": "13900000000",
    })
    return {"onboarded": True}


def action_read_app_info(app_id, base):
    info = app_get(app_id, "/rest/2.0/smartapp/app/info") or {}
    with creds.lock:
        if app_id in creds.apps:
            creds.apps[app_id]["info"] = info
    return {"auth_info": info.get("auth_info")}


def action_restart(app_id, base):
    creds.restart()
    return {"restarted": True, "apps": sorted(creds.apps)}


ACTIONS = {
    "restart": action_restart,
    "upload-package": action_upload_package,
    "submit-audit": action_submit_audit,
    "release": action_release,
    "payment-onboard": action_payment_onboard,
    "read-app-info": action_read_app_info,
}


# ---------------------------------------------------------------------------------------------------------------
# HTTP server

def page(title, inner):
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f'<body style="font-family:sans-serif;max-width:640px;margin:40px auto">{inner}</body></html>')


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tp.py"

    def log_message(self, fmt, *args):
        # Query strings carry authorization codes and signatures: keep them out of the log.
        log(re.sub(r"\?\S*", "?…", fmt % args))

    # -- plumbing --
    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def reply(self, status, text, content_type="text/plain; charset=utf-8"):
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def json_reply(self, status, obj):
        self.reply(status, json.dumps(obj, ensure_ascii=False), "application/json; charset=utf-8")

    def html_reply(self, status, doc):
        self.reply(status, doc, "text/html; charset=utf-8")

    def base_url(self):
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        return f"http://{host}"

    def route(self):
        url = urllib.parse.urlsplit(self.path)
        return url.path, dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))

    def dispatch(self, fn, *args):
        try:
            fn(*args)
        except Exception as e:  # never let a bug end the connection without an answer
            traceback.print_exc()
            try:
                self.reply(500, f"tp.py error: {e}")
            except OSError:
                pass

    def do_GET(self):
        path, query = self.route()
        if path == "/authorize":
            return self.dispatch(self.authorize)
        if path == "/callback":
            return self.dispatch(self.callback, query)
        if path == "/baidu/msg":
            return self.dispatch(self.message_event, query, b"")
        if path == "/health":
            with creds.lock:
                apps = sorted(creds.apps)
            return self.json_reply(200, {"status": "ok", "apps": apps})
        self.reply(404, "not found")

    def do_POST(self):
        path, query = self.route()
        body = self.body()
        if path == "/baidu/auth":
            return self.dispatch(self.auth_event, body)
        if path == "/baidu/msg":
            return self.dispatch(self.message_event, query, body)
        if path == "/hook":
            return self.dispatch(self.hook, body)
        self.reply(404, "not found")

    # -- 授权事件接收URL (§2.5, §2.6) --
    def auth_event(self, body):
        try:
            msg = open_push(body)
        except BadPush as e:
            log(f"auth push refused: {e}")
            return self.reply(400, "invalid push")
        if msg.get("MsgType") == "ticket":
            try:
                created = int(msg.get("CreateTime") or 0)
            except (TypeError, ValueError):
                created = int(time.time())
            creds.keep_ticket(str(msg.get("Ticket")), created)
            return self.reply(200, "success")
        event = str(msg.get("event", ""))
        app_id = int(msg.get("appId") or 0)
        if str(msg.get("tpAppId", TP_APP_ID)) != TP_APP_ID:
            log(f"push for tpAppId {msg.get('tpAppId')}, this TP is {TP_APP_ID}")
        if event in ("AUTHORIZED", "UPDATE_AUTHORIZED"):
            code = str(msg.get("authorizationCode", ""))
            # Baidu retries pushes: a code already seen (from the callback or an earlier push) is not exchanged again.
            # Otherwise answer first and exchange after the reply (a slow Baidu must never delay the ack); the new
            # pair replaces the old one, which stopped working with the re-authorization.
            if code and not creds.seen_code(code):
                creds.exchange_from_push(code, app_id)
        elif event == "UNAUTHORIZED":
            creds.forget_app(app_id)
        return self.reply(200, "success")

    # -- 消息与事件接收URL (§2.7 handshake, §2.6 events) --
    def message_event(self, query, body):
        ctype = (self.headers.get("Content-Type") or "").lower()
        form = {}
        if body and not body.lstrip().startswith(b"{") and "json" not in ctype:
            form = dict(urllib.parse.parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
        get = lambda k: query.get(k, form.get(k))  # noqa: E731 — the params may travel in the query or the body
        echo = get("echoStr")
        if echo is not None:
            expected = sha1_sorted([MESSAGE_TOKEN, get("timestamp") or "", get("nonce") or ""])
            if not same_signature(expected, get("signature") or ""):
                log("echoStr handshake with a bad signature refused")
                return self.reply(403, "invalid signature")
            return self.reply(200, echo)
        try:
            msg = open_push(body)
        except BadPush as e:
            log(f"message push refused: {e}")
            return self.reply(400, "invalid push")
        log(f"event {msg.get('event') or msg.get('MsgType')} for app {msg.get('appId')}")
        return self.reply(200, "success")

    # -- 授权发起页 (§1.2, §1.3) --
    def authorize(self):
        try:
            pre = creds.with_tp_token(lambda t: call_w("GET", "/rest/2.0/smartapp/tp/createpreauthcode", {"access_token": t}))
        except (BaiduError, ActionError) as e:
            return self.html_reply(502, page("授权发起失败", f'<p id="error">无法获取预授权码: {html.escape(str(e))}</p>'))
        target = BAIDU + AUTH_PAGE + "?" + urllib.parse.urlencode({
            "client_id": CLIENT_ID, "pre_auth_code": pre["pre_auth_code"], "redirect_uri": self.base_url() + "/callback"})
        self.html_reply(200, page("授权给第三方平台", (
            "<h1>授权小程序 / Authorize your mini program</h1>"
            f'<p><a id="authorize" href="{html.escape(target)}">前往百度授权 / Authorize with Baidu</a></p>')))

    # -- redirect_uri (§1.4, §1.5, §1.7) --
    def callback(self, query):
        code = query.get("authorization_code")
        if not code:
            return self.html_reply(400, page("授权失败", '<p id="error">缺少 authorization_code</p>'))
        try:
            app_id = creds.use_code(code)
        except (BaiduError, ActionError) as e:
            return self.html_reply(502, page("授权失败", f'<p id="error">{html.escape(str(e))}</p>'))
        info = creds.app_info(app_id) or {}
        scopes = "、".join(html.escape(s.get("scope_name", "")) for s in info.get("auth_info") or [])
        self.html_reply(200, page("授权成功", (
            f'<h1 id="done" data-app-id="{app_id}">授权成功 / Authorized</h1>'
            f"<p>{html.escape(str(info.get('app_name', app_id)))}（{app_id}）已授权：{scopes}</p>")))

    # -- baidu-tp-preflight's hook contract --
    def hook(self, body):
        try:
            req = json.loads(body.decode("utf-8"))
            action, app_id = req["action"], int(req["appId"])
            if not isinstance(action, str):
                raise ValueError("action must be a string")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return self.json_reply(400, {"error": 'body must be JSON {"action": …, "appId": …}'})
        fn = ACTIONS.get(action)
        if fn is None:
            return self.json_reply(501, {"error": f"action {action} is not supported by tp.py"})
        try:
            result = fn(app_id, self.base_url())
            log(f"hook {action} for app {app_id}: {result}")
            return self.json_reply(200, result)
        except ActionError as e:
            return self.json_reply(e.status, {"error": str(e)})
        except BaiduError as e:
            return self.json_reply(502, {"error": str(e), "baidu": {"envelope": e.envelope, "code": e.code}})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    # SIGTERM ends the process through SystemExit, so the state folder is removed as on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = Server(("127.0.0.1", PORT), Handler)
    print(f"TP_LISTENING http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        remove_state()


if __name__ == "__main__":
    main()
