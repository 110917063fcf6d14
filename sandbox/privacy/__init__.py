"""Personal data (phone numbers, names, e-mail addresses): where it is kept, how long, how it
is erased everywhere and exported. A service package: doors call `erase`, `erase_phone`,
`export`; `retention.run` is the daily job; apps register their stores (registry.py).

    sandbox/privacy/
      keys.py         keyed hashes (HMAC, PRIVACY_HASH_KEY): never an unkeyed digest of a number
      person.py       who, and every written form of their phone, name and e-mail
      registry.py     the extension point: Store, register, exempt, resolvers, recorders
      declaration.py  sandbox's and Django's stores, and the exempt columns
      core_stores.py  how sandbox's tables are erased, exported and expired
      erasure.py      the one erasure; which Kapso sessions a sync must skip
      retention.py    the daily purge over every store
      export.py       everything about one person, as JSON
      notice.py       the /privacy/ page and docs/privacy.md, from the declaration
"""

from sandbox.privacy.erasure import KAPSO_KEEPS_A_COPY, Erasure, erase, erase_phone
from sandbox.privacy.export import export
from sandbox.privacy.person import Person, phone_forms
from sandbox.privacy.registry import (
    Store,
    exempt,
    register,
    register_recorder,
    register_resolver,
    stores,
)

__all__ = [
    "KAPSO_KEEPS_A_COPY",
    "Erasure",
    "Person",
    "Store",
    "erase",
    "erase_phone",
    "exempt",
    "export",
    "phone_forms",
    "register",
    "register_recorder",
    "register_resolver",
    "stores",
]
