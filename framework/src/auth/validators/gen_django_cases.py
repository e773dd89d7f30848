"""Regenerate django_cases.json: what Django's own password validators say about
a few hundred (password, user) pairs, for pony's tests to compare against.

    python3 -m venv /tmp/dj && /tmp/dj/bin/pip install 'django==5.2.*'
    /tmp/dj/bin/python gen_django_cases.py > django_cases.json
"""

import json
import random
import string
import sys

import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
    LANGUAGE_CODE="en-us",
    USE_I18N=True,
)
django.setup()

from django.contrib.auth import password_validation as pv  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402

P = "django.contrib.auth.password_validation."

# name -> list of (NAME, OPTIONS); OPTIONS are also written out as TOML.
CONFIGS = {
    "default": [
        (P + "UserAttributeSimilarityValidator", {}),
        (P + "MinimumLengthValidator", {}),
        (P + "CommonPasswordValidator", {}),
        (P + "NumericPasswordValidator", {}),
    ],
    "custom": [
        ("NumericPasswordValidator", {}),
        ("MinimumLengthValidator", {"min_length": 1}),
        ("CommonPasswordValidator", {}),
        (
            "UserAttributeSimilarityValidator",
            {"user_attributes": ["email", "first_name"], "max_similarity": 0.5},
        ),
    ],
    "extremes": [
        (P + "UserAttributeSimilarityValidator", {"max_similarity": 0.1}),
        (P + "UserAttributeSimilarityValidator", {"max_similarity": 1}),
        (P + "MinimumLengthValidator", {"min_length": 0}),
        (P + "MinimumLengthValidator", {"min_length": 12}),
    ],
}


def toml_value(v):
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, str):
        return json.dumps(v)
    return repr(v)


def django_validators(config):
    return pv.get_password_validators(
        [
            {"NAME": name if name.startswith(P) else P + name, "OPTIONS": opts}
            for name, opts in config
        ]
    )


VALIDATORS = {k: django_validators(v) for k, v in CONFIGS.items()}


def errors(password, user, validators):
    try:
        pv.validate_password(password, user, validators)
    except ValidationError as e:
        return list(e.messages)
    return []


rng = random.Random(20250)

NAMES = [
    "alice", "bob", "x", "ab", "j.smith", "o'connor", "mary-jane_99", "admin",
    "superuser", "johnny5", "Robert", "Smith", "de la Cruz", "van_der_berg",
    "José", "Jose\u0301", "Zoë", "Ünal", "Straße", "İlkay", "Σοφία", "ΟΔΥΣΣΕΥΣ",
    "राहुल", "Владимир", "李小龙", "محمد", "😀cat", "Ⓐnna", "a‿b", "١٢٣abc",
    "x²y", "ǅemal", "ﬁona", "ΣΑΣ", "-", "@", "__", "user@", "@user", "a b c",
]
DOMAINS = ["example.com", "mail.co.uk", "x.io", "pony.dev", "éxample.org"]
WORDS = ["password", "dragon", "monkey", "sunshine", "correct horse", "letmein"]
def common_list():
    import gzip

    path = pv.CommonPasswordValidator().DEFAULT_PASSWORD_LIST_PATH
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return sorted({x.strip() for x in f})


COMMON = common_list()
ALPHABET = string.ascii_letters + string.digits + "!@#$%^&*()-_=+. " + "éßΣσς१٣😀"
SPACES = [" ", "\t", "\n", "\u00a0", "\u3000", "\x1c", "\u2028"]
NUMERIC = [
    "12345678", "1234567", "١٢٣٤٥٦٧٨", "१२३४५६७८", "１２３４５６７８", "²³¹⁴⁵⁶⁷⁸",
    "①②③④⑤⑥⑦⑧", "½½½½½½½½", "ⅧⅧⅧⅧⅧⅧⅧⅧ", "一二三四五六七八", "1234 5678", "12345678 ",
    "9", "", "𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠", "0000000000000000", "٣٣٣٣٣٣٣٣a", "١٢٣٤",
]


def rand_str(n, alphabet=ALPHABET):
    return "".join(rng.choice(alphabet) for _ in range(n))


def mutate(value):
    kind = rng.randrange(12)
    if kind == 0:
        return value
    if kind == 1:
        return value + rand_str(rng.randrange(1, 6), string.digits + "!?")
    if kind == 2:
        return value[::-1]
    if kind == 3:
        chars = list(value)
        rng.shuffle(chars)
        return "".join(chars)
    if kind == 4:
        return value.upper()
    if kind == 5:
        return rand_str(rng.randrange(0, 5)) + value + rand_str(rng.randrange(0, 5))
    if kind == 6:
        return value + rand_str(rng.randrange(5, 40))
    if kind == 7:
        return value * rng.randrange(2, 12)
    if kind == 8:
        if not value:
            return value
        i = rng.randrange(len(value))
        return value[:i] + rand_str(1) + value[i + 1 :]
    if kind == 9:
        parts = [p for p in value.replace("@", " ").replace(".", " ").split() if p]
        return (rng.choice(parts) if parts else value) + str(rng.randrange(100))
    if kind == 10:
        return value[: max(1, len(value) * rng.randrange(4, 10) // 10)]
    return rand_str(rng.randrange(len(value) // 2, 2 * len(value) + 2))


def rand_user():
    if rng.random() < 0.1:
        return None
    first = rng.choice(NAMES + [""])
    last = rng.choice(NAMES + [""])
    username = rng.choice(NAMES + [first.lower() + last.lower(), ""])
    email = ""
    if rng.random() < 0.8:
        local = rng.choice([username, first + "." + last, rand_str(6, string.ascii_lowercase)])
        email = f"{local}@{rng.choice(DOMAINS)}"
    return {"username": username, "first_name": first, "last_name": last, "email": email}


cases = []


def add(password, user):
    u = User(**user) if user is not None else None
    cases.append(
        {
            "password": password,
            "user": user,
            "errors": {k: errors(password, u, v) for k, v in VALIDATORS.items()},
        }
    )


# Hand-picked edge cases.
alice = {"username": "alice", "first_name": "Alice", "last_name": "Liddell", "email": "alice@example.com"}
for pw in ["alice123!", "ALICE", "ecila", "example", "alice@example.com", "liddell1",
           "alice" + "x" * 45, "x" * 50 + "alice", "abcdefghijklmnopqrstuvwxyz1234567890",
           "", "a", "correct horse battery staple"]:
    add(pw, alice)
for value in ["@", "a", "@@", "a@", "ab", "abc"]:
    for pw in ["", "a", "ab", "aaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]:
        add(pw, {"username": value, "first_name": "", "last_name": "", "email": ""})
# Where Python's \w differs from Unicode's Alphabetic (marks, circled letters).
for value, passwords in [
    ("राहुल", ["र", "ह", "रह", "राहुल", "rahul"]),
    ("Ⓐnna", ["nna12", "nna", "ⓐnna", "anna"]),
    ("Jose\u0301", ["jose12", "jose", "josé"]),
    ("a‿b", ["a", "ab", "a‿b"]),
]:
    for pw in passwords:
        add(pw, {"username": value, "first_name": "", "last_name": "", "email": ""})
for pw in ["password", " Password ", "PASSWORD", "123456", "qwerty", "\tletmein\n",
           "\u00a0password\u3000", "\x1cpassword\x1f", "pass word", "passw0rd", "Password1"]:
    add(pw, None)
for pw in NUMERIC:
    add(pw, None)
    add(pw, {"username": "12345678", "first_name": "", "last_name": "", "email": ""})

# Random cases.
for _ in range(160):
    user = rand_user()
    if user is not None and rng.random() < 0.85:
        values = [v for v in user.values() if v] or ["x"]
        pw = mutate(rng.choice(values))
    else:
        pw = mutate(rng.choice(WORDS + ["alice", "bob"]))
    add(pw, user)
for _ in range(60):
    pw = rng.choice(COMMON)
    if rng.random() < 0.5:
        pw = "".join(c.upper() if rng.random() < 0.5 else c for c in pw)
    if rng.random() < 0.5:
        pw = rng.choice(SPACES) + pw + rng.choice(SPACES)
    if rng.random() < 0.2:
        pw += rand_str(1)
    add(pw, rand_user())
for _ in range(60):
    add(rand_str(rng.randrange(0, 24)), rand_user())

out = {
    "django": django.get_version(),
    "python": ".".join(map(str, sys.version_info[:3])),
    "configs": {
        name: [
            {"name": n, "options": "\n".join(f"{k} = {toml_value(v)}" for k, v in o.items())}
            for n, o in config
        ]
        for name, config in CONFIGS.items()
    },
    "help_texts": {k: pv.password_validators_help_texts(v) for k, v in VALIDATORS.items()},
    "cases": cases,
}
# One case a line, so that diffs stay readable.
head = json.dumps({k: v for k, v in out.items() if k != "cases"}, ensure_ascii=False)
print(head[:-1] + ', "cases": [')
print(",\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
print("]}")
