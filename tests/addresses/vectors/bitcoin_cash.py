"""Bitcoin Cash addresses: CashAddr in every accepted spelling and legacy Base58Check, all
stored as lower-case CashAddr with the `bitcoincash:` prefix."""

from __future__ import annotations

from db.models import Chain
from tests.addresses.vectors import (
    ChainVectors,
    stored_as_given,
)

# Legacy and CashAddr forms of the same hash160, from bitcoincash.org spec/cashaddr.md
# ("Examples of address translation") and the recorded provider samples (PROVIDERS.md).
LEGACY_AND_CASHADDR = [
    (
        "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu",
        "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
    ),
    (
        "1KXrWXciRDZUpQwQmuM1DbwsKDLYAYsVLR",
        "bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy",
    ),
    ("16w1D5WRVKJuZUsSRzdLp9w3YGcgoxDXb", "bitcoincash:qqq3728yw0y47sqn6l2na30mcw6zm78dzqre909m2r"),
    (
        "3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC",
        "bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq",
    ),
    (
        "3LDsS579y7sruadqu11beEJoTjdFiFCdX4",
        "bitcoincash:pr95sy3j9xwd2ap32xkykttr4cvcu7as4yc93ky28e",
    ),
    (
        "31nwvkZwyPdgzjBJZXfDmSWsC4ZLKpYyUw",
        "bitcoincash:pqq3728yw0y47sqn6l2na30mcw6zm78dzq5ucqzc37",
    ),
    (
        "1KmC84WxyKVMXVheFExKBfnQVqDFEipJHK",
        "bitcoincash:qrxumkdjh5hfw7za08u2t9qcjag7dqud0v5g9mt6d8",
    ),
    (
        "38ty1qB68gHsiyZ8k3RPeCJ1wYQPrUCPPr",
        "bitcoincash:pp8skudq3x5hzw8ew7vzsw8tn4k8wxsqsv0lt0mf3g",
    ),
]

# Every vector of https://github.com/cashtokens/cashtokens/blob/master/test-vectors/cashaddr.json
# (the CashTokens CHIP, which adds the token-aware types 2 and 3 to the spec's table).
# Accepted, with the stored form: the file's plain (type 0 or 1) vector of the same payload.
CASHTOKENS_ACCEPTED = [
    (
        "bitcoincash:qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2",
        "bitcoincash:qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2",
    ),
    (
        "bitcoincash:zr6m7j9njldwwzlg9v7v53unlr4jkmx6eycnjehshe",
        "bitcoincash:qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2",
    ),
    (
        "bitcoincash:qr7fzmep8g7h7ymfxy74lgc0v950j3r2959lhtxxsl",
        "bitcoincash:qr7fzmep8g7h7ymfxy74lgc0v950j3r2959lhtxxsl",
    ),
    (
        "bitcoincash:zr7fzmep8g7h7ymfxy74lgc0v950j3r295z4y4gq0v",
        "bitcoincash:qr7fzmep8g7h7ymfxy74lgc0v950j3r2959lhtxxsl",
    ),
    (
        "bitcoincash:qpagr634w55t4wp56ftxx53xukhqgl24yse53qxdge",
        "bitcoincash:qpagr634w55t4wp56ftxx53xukhqgl24yse53qxdge",
    ),
    (
        "bitcoincash:zpagr634w55t4wp56ftxx53xukhqgl24ys77z7gth2",
        "bitcoincash:qpagr634w55t4wp56ftxx53xukhqgl24yse53qxdge",
    ),
    (
        "bitcoincash:qq9l9e2dgkx0hp43qm3c3h252e9euugrfc6vlt3r9e",
        "bitcoincash:qq9l9e2dgkx0hp43qm3c3h252e9euugrfc6vlt3r9e",
    ),
    (
        "bitcoincash:zq9l9e2dgkx0hp43qm3c3h252e9euugrfcaxv4l962",
        "bitcoincash:qq9l9e2dgkx0hp43qm3c3h252e9euugrfc6vlt3r9e",
    ),
    (
        "bitcoincash:qre24q38ghy6k3pegpyvtxahu8q8hqmxmqqn28z85p",
        "bitcoincash:qre24q38ghy6k3pegpyvtxahu8q8hqmxmqqn28z85p",
    ),
    (
        "bitcoincash:zre24q38ghy6k3pegpyvtxahu8q8hqmxmq8eeevptj",
        "bitcoincash:qre24q38ghy6k3pegpyvtxahu8q8hqmxmqqn28z85p",
    ),
    (
        "bitcoincash:qz7xc0vl85nck65ffrsx5wvewjznp9lflgktxc5878",
        "bitcoincash:qz7xc0vl85nck65ffrsx5wvewjznp9lflgktxc5878",
    ),
    (
        "bitcoincash:zz7xc0vl85nck65ffrsx5wvewjznp9lflg3p4x6pp5",
        "bitcoincash:qz7xc0vl85nck65ffrsx5wvewjznp9lflgktxc5878",
    ),
    (
        "bitcoincash:ppawqn2h74a4t50phuza84kdp3794pq3ccvm92p8sh",
        "bitcoincash:ppawqn2h74a4t50phuza84kdp3794pq3ccvm92p8sh",
    ),
    (
        "bitcoincash:rpawqn2h74a4t50phuza84kdp3794pq3cct3k50p0y",
        "bitcoincash:ppawqn2h74a4t50phuza84kdp3794pq3ccvm92p8sh",
    ),
    (
        "bitcoincash:pqv53dwyatxse2xh7nnlqhyr6ryjgfdtagkd4vc388",
        "bitcoincash:pqv53dwyatxse2xh7nnlqhyr6ryjgfdtagkd4vc388",
    ),
    (
        "bitcoincash:rqv53dwyatxse2xh7nnlqhyr6ryjgfdtag38xjkhc5",
        "bitcoincash:pqv53dwyatxse2xh7nnlqhyr6ryjgfdtagkd4vc388",
    ),
    (
        "bitcoincash:prseh0a4aejjcewhc665wjqhppgwrz2lw5txgn666a",
        "bitcoincash:prseh0a4aejjcewhc665wjqhppgwrz2lw5txgn666a",
    ),
    (
        "bitcoincash:rrseh0a4aejjcewhc665wjqhppgwrz2lw5vvmd5u9w",
        "bitcoincash:prseh0a4aejjcewhc665wjqhppgwrz2lw5txgn666a",
    ),
    (
        "bitcoincash:pzltaslh7xnrsxeqm7qtvh0v53n3gfk0v5wwf6d7j4",
        "bitcoincash:pzltaslh7xnrsxeqm7qtvh0v53n3gfk0v5wwf6d7j4",
    ),
    (
        "bitcoincash:rzltaslh7xnrsxeqm7qtvh0v53n3gfk0v5fy6yrcdx",
        "bitcoincash:pzltaslh7xnrsxeqm7qtvh0v53n3gfk0v5wwf6d7j4",
    ),
    (
        "bitcoincash:pvqqqqqqqqqqqqqqqqqqqqqqzg69v7ysqqqqqqqqqqqqqqqqqqqqqpkp7fqn0",
        "bitcoincash:pvqqqqqqqqqqqqqqqqqqqqqqzg69v7ysqqqqqqqqqqqqqqqqqqqqqpkp7fqn0",
    ),
    (
        "bitcoincash:rvqqqqqqqqqqqqqqqqqqqqqqzg69v7ysqqqqqqqqqqqqqqqqqqqqqn9alsp2y",
        "bitcoincash:pvqqqqqqqqqqqqqqqqqqqqqqzg69v7ysqqqqqqqqqqqqqqqqqqqqqpkp7fqn0",
    ),
    (
        "bitcoincash:pdzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3jh2p5nn",
        "bitcoincash:pdzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3jh2p5nn",
    ),
    (
        "bitcoincash:rdzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygrpttc42c",
        "bitcoincash:pdzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3jh2p5nn",
    ),
    (
        "bitcoincash:pwyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygsh3sujgcr",
        "bitcoincash:pwyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygsh3sujgcr",
    ),
    (
        "bitcoincash:rwyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygs9zvatfpg",
        "bitcoincash:pwyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygsh3sujgcr",
    ),
    (
        "bitcoincash:p0xvenxvenxvenxvenxvenxvenxvenxvenxvenxvenxvenxvenxvcm6gz4t77",
        "bitcoincash:p0xvenxvenxvenxvenxvenxvenxvenxvenxvenxvenxvenxvenxvcm6gz4t77",
    ),
    (
        "bitcoincash:r0xvenxvenxvenxvenxvenxvenxvenxvenxvenxvenxvenxvenxvcff5rv284",
        "bitcoincash:p0xvenxvenxvenxvenxvenxvenxvenxvenxvenxvenxvenxvenxvcm6gz4t77",
    ),
    (
        "bitcoincash:p0llllllllllllllllllllllllllllllllllllllllllllllllll7x3vthu35",
        "bitcoincash:p0llllllllllllllllllllllllllllllllllllllllllllllllll7x3vthu35",
    ),
    (
        "bitcoincash:r0llllllllllllllllllllllllllllllllllllllllllllllllll75zs2wagl",
        "bitcoincash:p0llllllllllllllllllllllllllllllllllllllllllllllllll7x3vthu35",
    ),
]
# Refused, with why: testnet and unknown prefixes, undefined types, hash sizes no script uses.
CASHTOKENS_REJECTED = [
    ("bchtest:pr6m7j9njldwwzlg9v7v53unlr4jkmx6eyvwc0uz5t", "is a testnet address"),
    ("pref:pr6m7j9njldwwzlg9v7v53unlr4jkmx6ey65nvtks5", "Unknown CashAddr prefix 'pref'"),
    ("prefix:0r6m7j9njldwwzlg9v7v53unlr4jkmx6ey3qnjwsrf", "Unknown CashAddr prefix 'prefix'"),
    ("bchtest:qr7fzmep8g7h7ymfxy74lgc0v950j3r295pdnvy3hr", "is a testnet address"),
    ("bchtest:zr7fzmep8g7h7ymfxy74lgc0v950j3r295x8qj2hgs", "is a testnet address"),
    ("bchreg:qr7fzmep8g7h7ymfxy74lgc0v950j3r295m39d8z59", "is a testnet address"),
    ("bchreg:zr7fzmep8g7h7ymfxy74lgc0v950j3r295umknfytk", "is a testnet address"),
    ("prefix:qr7fzmep8g7h7ymfxy74lgc0v950j3r295fu6e430r", "Unknown CashAddr prefix 'prefix'"),
    ("prefix:zr7fzmep8g7h7ymfxy74lgc0v950j3r295wkf8mhss", "Unknown CashAddr prefix 'prefix'"),
    (
        "bitcoincash:q9adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2ws4mr9g0",
        "No Bitcoin Cash P2PKH address has a 192-bit hash",
    ),
    ("bchtest:p9adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2u94tsynr", "is a testnet address"),
    ("pref:p9adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2khlwwk5v", "Unknown CashAddr prefix 'pref'"),
    ("prefix:09adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2p29kc2lp", "Unknown CashAddr prefix 'prefix'"),
    (
        "bitcoincash:qgagf7w02x4wnz3mkwnchut2vxphjzccwxgjvvjmlsxqwkcw59jxxuz",
        "No Bitcoin Cash P2PKH address has a 224-bit hash",
    ),
    ("bchtest:pgagf7w02x4wnz3mkwnchut2vxphjzccwxgjvvjmlsxqwkcvs7md7wt", "is a testnet address"),
    (
        "pref:pgagf7w02x4wnz3mkwnchut2vxphjzccwxgjvvjmlsxqwkcrsr6gzkn",
        "Unknown CashAddr prefix 'pref'",
    ),
    (
        "prefix:0gagf7w02x4wnz3mkwnchut2vxphjzccwxgjvvjmlsxqwkc5djw8s9g",
        "Unknown CashAddr prefix 'prefix'",
    ),
    (
        "bitcoincash:qvch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxq5nlegake",
        "No Bitcoin Cash P2PKH address has a 256-bit hash",
    ),
    (
        "bchtest:pvch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxq7fqng6m6",
        "is a testnet address",
    ),
    (
        "pref:pvch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxq4k9m7qf9",
        "Unknown CashAddr prefix 'pref'",
    ),
    (
        "prefix:0vch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxqsh6jgp6w",
        "Unknown CashAddr prefix 'prefix'",
    ),
    (
        "bitcoincash:qnq8zwpj8cq05n7pytfmskuk9r4gzzel8qtsvwz79zdskftrzxtar994cgutavfklv39gr3uvz",
        "No Bitcoin Cash P2PKH address has a 320-bit hash",
    ),
    (
        "bchtest:pnq8zwpj8cq05n7pytfmskuk9r4gzzel8qtsvwz79zdskftrzxtar994cgutavfklvmgm6ynej",
        "is a testnet address",
    ),
    (
        "pref:pnq8zwpj8cq05n7pytfmskuk9r4gzzel8qtsvwz79zdskftrzxtar994cgutavfklv0vx5z0w3",
        "Unknown CashAddr prefix 'pref'",
    ),
    (
        "prefix:0nq8zwpj8cq05n7pytfmskuk9r4gzzel8qtsvwz79zdskftrzxtar994cgutavfklvwsvctzqy",
        "Unknown CashAddr prefix 'prefix'",
    ),
    (
        "bitcoincash:qh3krj5607v3qlqh5c3wq3lrw3wnuxw0sp8dv0zugrrt5a3kj6ucysfz8kxwv2k53krr7n933jfsunqex2w82sl",
        "Address is 99 characters long",
    ),
    (
        "bchtest:ph3krj5607v3qlqh5c3wq3lrw3wnuxw0sp8dv0zugrrt5a3kj6ucysfz8kxwv2k53krr7n933jfsunqnzf7mt6x",
        "Address is 95 characters long",
    ),
    (
        "pref:ph3krj5607v3qlqh5c3wq3lrw3wnuxw0sp8dv0zugrrt5a3kj6ucysfz8kxwv2k53krr7n933jfsunqjntdfcwg",
        "Address is 92 characters long",
    ),
    (
        "prefix:0h3krj5607v3qlqh5c3wq3lrw3wnuxw0sp8dv0zugrrt5a3kj6ucysfz8kxwv2k53krr7n933jfsunqakcssnmn",
        "Address is 94 characters long",
    ),
    (
        "bitcoincash:qmvl5lzvdm6km38lgga64ek5jhdl7e3aqd9895wu04fvhlnare5937w4ywkq57juxsrhvw8ym5d8qx7sz7zz0zvcypqscw8jd03f",
        "Address is 112 characters long",
    ),
    (
        "bchtest:pmvl5lzvdm6km38lgga64ek5jhdl7e3aqd9895wu04fvhlnare5937w4ywkq57juxsrhvw8ym5d8qx7sz7zz0zvcypqs6kgdsg2g",
        "Address is 108 characters long",
    ),
    (
        "pref:pmvl5lzvdm6km38lgga64ek5jhdl7e3aqd9895wu04fvhlnare5937w4ywkq57juxsrhvw8ym5d8qx7sz7zz0zvcypqsammyqffl",
        "Address is 105 characters long",
    ),
    (
        "prefix:0mvl5lzvdm6km38lgga64ek5jhdl7e3aqd9895wu04fvhlnare5937w4ywkq57juxsrhvw8ym5d8qx7sz7zz0zvcypqsgjrqpnw8",
        "Address is 107 characters long",
    ),
    (
        "bitcoincash:qlg0x333p4238k0qrc5ej7rzfw5g8e4a4r6vvzyrcy8j3s5k0en7calvclhw46hudk5flttj6ydvjc0pv3nchp52amk97tqa5zygg96mtky5sv5w",
        "Address is 124 characters long",
    ),
    (
        "bchtest:plg0x333p4238k0qrc5ej7rzfw5g8e4a4r6vvzyrcy8j3s5k0en7calvclhw46hudk5flttj6ydvjc0pv3nchp52amk97tqa5zygg96mc773cwez",
        "Address is 120 characters long",
    ),
    (
        "pref:plg0x333p4238k0qrc5ej7rzfw5g8e4a4r6vvzyrcy8j3s5k0en7calvclhw46hudk5flttj6ydvjc0pv3nchp52amk97tqa5zygg96mg7pj3lh8",
        "Address is 117 characters long",
    ),
    (
        "prefix:0lg0x333p4238k0qrc5ej7rzfw5g8e4a4r6vvzyrcy8j3s5k0en7calvclhw46hudk5flttj6ydvjc0pv3nchp52amk97tqa5zygg96ms92w6845",
        "Address is 119 characters long",
    ),
]


def cashaddr_spellings(cashaddr: str) -> list[tuple[str, str]]:
    """A stored CashAddr as typed with and without its prefix, in lower and upper case."""
    upper = cashaddr.upper()
    return [
        (spelling, cashaddr)
        for spelling in (
            cashaddr,
            cashaddr.removeprefix("bitcoincash:"),
            upper,
            upper.removeprefix("BITCOINCASH:"),
        )
    ]


ACCEPTED = [
    # spec/cashaddr.md "Larger test vectors", 20 bytes, type 0.
    "bitcoincash:qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2",
]

# PROVIDERS.md (CashTokens): token-aware addresses stored as the plain address of their hash,
# the same hash as the spec's first translation example.
TOKEN_AWARE_AND_PLAIN = [
    (
        "bitcoincash:zpm2qsznhks23z7629mms6s4cwef74vcwvrqekrq9w",
        "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
    ),
    (
        "zpm2qsznhks23z7629mms6s4cwef74vcwvrqekrq9w",
        "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
    ),
]

TESTNET = [
    # spec/cashaddr.md vectors under the testnet prefix, with and without it.
    "bchtest:pr6m7j9njldwwzlg9v7v53unlr4jkmx6eyvwc0uz5t",
    "pr6m7j9njldwwzlg9v7v53unlr4jkmx6eyvwc0uz5t",
    "BCHTEST:PR6M7J9NJLDWWZLG9V7V53UNLR4JKMX6EYVWC0UZ5T",
    # Bitcoin's testnet Base58Check versions, which Bitcoin Cash shares.
    "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",
    "2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc",
]

# (address, a fragment of the message that refuses it)
REFUSED_WITH_REASON = [
    (
        "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6c",
        "Invalid CashAddr checksum for prefix 'bitcoincash'",
    ),
    ("qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6e", "Invalid CashAddr checksum"),
    ("bitcoincash:QPM2QSZNHKS23Z7629MMS6S4CWEF74VCWVY22GDX6A", "Mixed-case CashAddr"),
    ("Qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", "Mixed-case CashAddr"),
    ("pref:pr6m7j9njldwwzlg9v7v53unlr4jkmx6ey65nvtks5", "Unknown CashAddr prefix 'pref'"),
    (
        "bitcoincash:bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
        "more than one prefix",
    ),
    # spec/cashaddr.md: a valid checksum over a payload that is no address.
    (
        "bitcoincash:qpzry9x8gf2tvdw0s3jn54khce6mua7lcw20ayyn",
        "announces a 160-bit hash but the payload holds 152 bits",
    ),
    # spec/cashaddr.md "Larger test vectors": sizes no Bitcoin Cash script uses.
    (
        "bitcoincash:q9adhakpwzztepkpwp5z0dq62m6u5v5xtyj7j3h2ws4mr9g0",
        "No Bitcoin Cash P2PKH address has a 192-bit hash",
    ),
    (
        "bitcoincash:qvch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxq5nlegake",
        "No Bitcoin Cash P2PKH address has a 256-bit hash",
    ),
    ("1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggv", "Base58Check checksum mismatch"),
    ("", "Address is empty"),
    (" bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", "whitespace"),
]

BITCOIN_CASH = ChainVectors(
    chain=Chain.BITCOIN_CASH,
    accepted=LEGACY_AND_CASHADDR
    + [spelling for _, cashaddr in LEGACY_AND_CASHADDR for spelling in cashaddr_spellings(cashaddr)]
    + CASHTOKENS_ACCEPTED
    + [(text.upper().removeprefix("BITCOINCASH:"), stored) for text, stored in CASHTOKENS_ACCEPTED]
    + stored_as_given(ACCEPTED)
    + TOKEN_AWARE_AND_PLAIN,
    refused=CASHTOKENS_REJECTED + REFUSED_WITH_REASON,
    testnet=TESTNET,
)
