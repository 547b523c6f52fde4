"""Mainnet Dogecoin addresses: Base58Check D… (P2PKH) and 9…/A… (P2SH)."""

from __future__ import annotations

from db.models import Chain
from tests.addresses.vectors import (
    ChainVectors,
    refused_for,
    stored_as_given,
)

# Vectors from dogecoin/dogecoin src/test/data/base58_keys_valid.json (commit 0c5e1854) and
# base58_keys_invalid.json (commit 8e160413), copied verbatim: (address, version, hash160).
BASE58_KEYS_VALID_MAINNET = [
    ("DD4KSSuBJqcjuTcvUg1CgUKeurPUFeEZkE", 0x1E, "56d9b1d684d5abef32134ebc6883d75d3a53e9be"),
    ("A7HRQk3GFCW2QasvdZxXuYj8kkQK5QrYLs", 0x16, "a2dd71f34fe73314d6e37c44035513f203aa400b"),
    ("DBjW6kna7rUPE4Mj9j4B3oK3xVA1SDHrdt", 0x1E, "485290865b407657e0aedbdbb4aa6618310af50d"),
    ("A3RHoAQLPDSuBewbuvt5NMqEKasqs9ty3C", 0x16, "7879ea0f1053bcbd4c60c88f922f76d27e622e1e"),
    ("D77Z1nmgSZxJTmtN65n2MVF9yvLSB4MpiC", 0x1E, "15a585042e96300b5ad4f9d7c7c6cba2d56a0989"),
    ("9zYnVRaekPtdKBYuPw5QiBtv3NNrzD2LLW", 0x16, "58fc66bf64b3c8d8accd80110bb6df6c13735937"),
    ("DGYdw7jC17b9SappjsrAsaghhDTS8sV5Mx", 0x1E, "7d1d283ff32f3a425ea22d21032e1bca7d14efaa"),
    ("A3YUuiZjn3FzW2i6KqFVgHaN5r5fjvwEJ1", 0x16, "79d61a4a63956139414b4e0698588cfb2c3466bf"),
    ("DExWunrSkF2P9NAzW4JpEeC38uC3z36cCk", 0x1E, "6bb106bf7cc3f80e5cfeb3eacdd8f7dd9201fa09"),
    ("AFVkW8WgPP2rsTdAeyogFK9k8gXJ1LZwrb", 0x16, "fcf36180b62ef220a182b1b246571bb2fce30ec8"),
    ("DMYFDsuFamS4kogsiqxQRXK9diCfmJzNLh", 0x1E, "b3e2d3f49932081bd0a9936d0cc239aafed51a64"),
    ("A2CUbyEtqGUjngAjxpGmM5Nwhrz72gh23v", 0x16, "6b1566fa4c70a69df12bacc138efffd9b9cb0e72"),
    ("DQJXChtyuN3aiU3W6pG4mgnykisHH5hqst", 0x1E, "d232b89955f8f77e27eea5b818c459aa8f8d364d"),
    ("AD21pKoCWcrqrUW4oRv5xUaGwCfXhiyx6y", 0x16, "e1c443feb1eede60962dc808899086f8dc589336"),
]

BASE58_KEYS_VALID_TESTNET = [
    "nhRsrUaxZou6sewjqaS37cJrMRJRgwVXdk",
    "2MsvyG12kxxipe276Au4zKqvd2xdrBuHWb3",
    "ngbSgr1dhCqsLg6Z5tpsaCspwrH72x2Zk3",
    "2MvY1BBau2C6jRC1hNX5LmviLrpvVG386TM",
    "ngao4q8auS6YuDKYPkzjt7zKYYT8LzkGZS",
    "2N22vuiMGhfqD77vPqsXPiALBfn6oUTtFtH",
    "nbo7vyCuiMxiYW4thwwuaTHQdCoqinmzJz",
    "2N1Gz97rN7P6VCj9xf64wWFqQZgpUng1mM3",
    "nagGnGDKWYpvnphf9rgo3xtQhAxiEM1QGD",
    "2N2f7vA5j92GCGuNt868zihqDBexEdDmJ8V",
    "nics7FiGssSKTuDrfNbHXa913W4LrLLK2w",
    "2MtHzsXQHKJCW6s6MikTVM14kk8aqF3WmZv",
]

# Mainnet private keys (WIF): valid Base58Check, but no address.
BASE58_KEYS_VALID_MAINNET_PRIVATE_KEYS = [
    "6K7a8wZW8A1oZxNd7wZz8PhgAAaDxybkzNpD1sGVvmSaBmc3Hg2",
    "QP5rQxpaP8HHPEdCEqxTjiHGWRvsyPvzZJeJ9BCxpfT13FN9VesQ",
    "6KVnGBP927t1rfowDpRcqYyE7WUX9w814iCNyYwtQEqKxEq8kBa",
    "QVi86rdL3APa6TXXwPdRnKfqVfzGv6a993E5LeiHXaGGjE7cpah1",
]

BASE58_KEYS_INVALID = [
    "",
    "x",
    "37qgekLpCCHrQuSjvX3fs496FWTGsHFHizjJAs6NPcR47aefnnCWECAhHV6E3g4YN7u7Yuwod5Y",
    "dzb7VV1Ui55BARxv7ATxAtCUeJsANKovDGWFVgpTbhq9gvPqP3yv",
    "MuNu7ZAEDFiHthiunm7dPjwKqrVNCM3mAz6rP9zFveQu14YA8CxExSJTHcVP9DErn6u84E6Ej7S",
    "rPpQpYknyNQ5AEHuY6H8ijJJrYc2nDKKk9jjmKEXsWzyAQcFGpDLU2Zvsmoi8JLR7hAwoy3RQWf",
    "4Uc3FmN6NQ6zLBK5QQBXRBUREaaHwCZYsGCueHauuDmJpZKn6jkEskMB2Zi2CNgtb5r6epWEFfUJq",
    "7aQgR5DFQ25vyXmqZAWmnVCjL3PkBcdVkBUpjrjMTcghHx3E8wb",
    "17QpPprjeg69fW1DV8DcYYCKvWjYhXvWkov6MJ1iTTvMFj6weAqW7wybZeH57WTNxXVCRH4veVs",
    "KxuACDviz8Xvpn1xAh9MfopySZNuyajYMZWz16Dv2mHHryznWUp3",
    "7nK3GSmqdXJQtdohvGfJ7KsSmn3TmGqExug49583bDAL91pVSGq5xS9SHoAYL3Wv3ijKTit65th",
    "cTivdBmq7bay3RFGEBBuNfMh2P1pDCgRYN2Wbxmgwr4ki3jNUL2va",
    "gjMV4vjNjyMrna4fsAr8bWxAbwtmMUBXJS3zL4NJt5qjozpbQLmAfK1uA3CquSqsZQMpoD1g2nk",
    "emXm1naBMoVzPjbk7xpeTVMFy4oDEe25UmoyGgKEB1gGWsK8kRGs",
    "7VThQnNRj1o3Zyvc7XHPRrjDf8j2oivPTeDXnRPYWeYGE4pXeRJDZgf28ppti5hsHWXS2GSobdqyo",
    "1G9u6oCVCPh2o8m3t55ACiYvG1y5BHewUkDSdiQarDcYXXhFHYdzMdYfUAhfxn5vNZBwpgUNpso",
    "31QQ7ZMLkScDiB4VyZjuptr7AEc9j1SjstF7pRoLhHTGkW4Q2y9XELobQmhhWxeRvqcukGd1XCq",
    "DHqKSnpxa8ZdQyH8keAhvLTrfkyBMQxqngcQA5N8LQ9KVt25kmGN",
    "2LUHcJPbwLCy9GLH1qXmfmAwvadWw4bp4PCpDfduLqV17s6iDcy1imUwhQJhAoNoN1XNmweiJP4i",
    "7USRzBXAnmck8fX9HmW7RAb4qt92VFX6soCnts9s74wxm4gguVhtG5of8fZGbNPJA83irHVY6bCos",
    "1DGezo7BfVebZxAbNT3XGujdeHyNNBF3vnficYoTSp4PfK2QaML9bHzAMxke3wdKdHYWmsMTJVu",
    "2D12DqDZKwCxxkzs1ZATJWvgJGhQ4cFi3WrizQ5zLAyhN5HxuAJ1yMYaJp8GuYsTLLxTAz6otCfb",
    "8AFJzuTujXjw1Z6M3fWhQ1ujDW7zsV4ePeVjVo7D1egERqSW9nZ",
    "163Q17qLbTCue8YY3AvjpUhotuaodLm2uqMhpYirsKjVqnxJRWTEoywMVY3NbBAHuhAJ2cF9GAZ",
    "2MnmgiRH4eGLyLc9eAqStzk7dFgBjFtUCtu",
    "461QQ2sYWxU7H2PV4oBwJGNch8XVTYYbZxU",
    "2UCtv53VttmQYkVU4VMtXB31REvQg4ABzs41AEKZ8UcB7DAfVzdkV9JDErwGwyj5AUHLkmgZeobs",
    "cSNjAsnhgtiFMi6MtfvgscMB2Cbhn2v1FUYfviJ1CdjfidvmeW6mn",
    "gmsow2Y6EWAFDFE1CE4Hd3Tpu2BvfmBfG1SXsuRARbnt1WjkZnFh1qGTiptWWbjsq2Q6qvpgJVj",
    "nksUKSkzS76v8EsSgozXGMoQFiCoCHzCVajFKAXqzK5on9ZJYVHMD5CKwgmX3S3c7M1U3xabUny",
    "L3favK1UzFGgdzYBF2oBT5tbayCo4vtVBLJhg2iYuMeePxWG8SQc",
    "7VxLxGGtYT6N99GdEfi6xz56xdQ8nP2dG1CavuXx7Rf2PrvNMTBNevjkfgs9JmkcGm6EXpj8ipyPZ",
    "2mbZwFXF6cxShaCo2czTRB62WTx9LxhTtpP",
    "dB7cwYdcPSgiyAwKWL3JwCVwSk6epU2txw",
    "HPhFUhUAh8ZQQisH8QQWafAxtQYju3SFTX",
    "4ctAH6AkHzq5ioiM1m9T3E2hiYEev5mTsB",
    "Hn1uFi4dNexWrqARpjMqgT6cX1UsNPuV3cHdGg9ExyXw8HTKadbktRDtdeVmY3M1BxJStiL4vjJ",
    "Sq3fDbvutABmnAHHExJDgPLQn44KnNC7UsXuT7KZecpaYDMU9Txs",
    "6TqWyrqdgUEYDQU1aChMuFMMEimHX44qHFzCUgGfqxGgZNMUVWJ",
    "giqJo7oWqFxNKWyrgcBxAVHXnjJ1t6cGoEffce5Y1y7u649Noj5wJ4mmiUAKEVVrYAGg2KPB3Y4",
    "cNzHY5e8vcmM3QVJUcjCyiKMYfeYvyueq5qCMV3kqcySoLyGLYUK",
    "37uTe568EYc9WLoHEd9jXEvUiWbq5LFLscNyqvAzLU5vBArUJA6eydkLmnMwJDjkL5kXc2VK7ig",
    "EsYbG4tWWWY45G31nox838qNdzksbPySWc",
    "nbuzhfwMoNzA3PaFnyLcRxE9bTJPDkjZ6Rf6Y6o2ckXZfzZzXBT",
    "cQN9PoxZeCWK1x56xnz6QYAsvR11XAce3Ehp3gMUdfSQ53Y2mPzx",
    "1Gm3N3rkef6iMbx4voBzaxtXcmmiMTqZPhcuAepRzYUJQW4qRpEnHvMojzof42hjFRf8PE2jPde",
    "2TAq2tuN6x6m233bpT7yqdYQPELdTDJn1eU",
    "ntEtnnGhqPii4joABvBtSEJG6BxjT2tUZqE8PcVYgk3RHpgxgHDCQxNbLJf7ardf1dDk2oCQ7Cf",
    "Ky1YjoZNgQ196HJV3HpdkecfhRBmRZdMJk89Hi5KGfpfPwS2bUbfd",
    "2A1q1YsMZowabbvta7kTy2Fd6qN4r5ZCeG3qLpvZBMzCixMUdkN2Y4dHB1wPsZAeVXUGD83MfRED",
]

# PROVIDERS.md (trezor/blockbook docs/api.md and a checksum example).
PROVIDERS_VALID = [
    "D5Z7XrtJNg7hAtznSDMXvfiFmMYphwuWz7",
    "9sLa1AKzjWuNTe1CkLh5GDYyRP9enb1Spp",
    "DQ2Z7QGwL8AcRH6Y7VdZfX35wfWqEzEA4a",
]

# (address, a fragment of the message that refuses it)
REFUSED_WITH_REASON = [
    # PROVIDERS.md: the valid DQ2Z… with its last letter's case flipped.
    ("DQ2Z7QGwL8AcRH6Y7VdZfX35wfWqEzEA4A", "Base58Check checksum mismatch"),
    ("D5Z7XrtJNg7hAtznSDMXvfiFmMYphwuWz0", "Invalid base58 character '0'"),
]

DOGECOIN = ChainVectors(
    chain=Chain.DOGECOIN,
    accepted=stored_as_given(
        [address for address, _, _ in BASE58_KEYS_VALID_MAINNET] + PROVIDERS_VALID
    ),
    refused=refused_for(BASE58_KEYS_VALID_MAINNET_PRIVATE_KEYS, "private key (WIF)")
    + REFUSED_WITH_REASON,
    testnet=BASE58_KEYS_VALID_TESTNET,
    malformed=BASE58_KEYS_INVALID,
)
