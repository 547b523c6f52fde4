"""Mainnet Litecoin addresses: Base58Check L…, M… and 3…, and segwit ltc1…."""

from __future__ import annotations

from db.models import Chain
from tests.addresses.vectors import (
    ChainVectors,
    refused_for,
    stored_as_given,
)

# Vectors from litecoin-project/litecoin v0.21.5.5 src/test/data/key_io_valid.json and
# key_io_invalid.json, copied verbatim.
KEY_IO_VALID_MAINNET_BASE58 = [
    "LT2KVaAy1ppRuxRgrS5RNU3vBsy7RibPeA",
    "MHrYRxAiMNBTku3eoDHwhA1LQGDjUStZW2",
    "M9dw1FAoWpHC6PcMzoCHhqQ9McvTyG5Ywj",
    "LbfVMz974gbbGFqXF7FZUpSBWSbwBHDwR5",
    "MWGEAUUZoN4r6puz8KsgnE9wNTQ8fGWCEy",
    "MNYP3h6XQQcVBohyVrxAtRGhbyvPpXzyFR",
    "LgUPnP2UZxmFBJb8FDgNd5JcU9b7CNfrw1",
    "MU2UAbDxiiirZuGTZ6nSaFajsXFkLHozcU",
]

# Each is valid in lower and upper case ("tryCaseFlip") and stored in lower case.
KEY_IO_VALID_MAINNET_SEGWIT = [
    "ltc1qhdhvrwe6rgqns8fz28tee0hphr5x7ulw5exv4w",
    "ltc1qa9dykljtgeayhm8ygx25sc22p0wzgudpe4hw9dyvaz0ye3j5kduq9mf68z",
    "ltc1ppu2gv0tujus0f6eggrk7eqmaf0567x6zer4fcuhz4z7ztzq9u9yseqxltc",
    "ltc1zjwls6j8c4u",
    "ltc1qxjkwr09apz3w5hsr33uyq9sdfx8tn26g39g00g",
    "ltc1qjaxhjwmp26afq279pza0zd6lrguxfcee08fw4xv5r6ksrr0wk4uqzjxfdz",
    "ltc1p59fcnxdn05t6adags3dc0vuvm4ejd7chsspp9ryqkvvlxrwkdylqfsruty",
    "ltc1zpr0qrh9zvs",
]

# Testnet and regtest addresses (m…, Q…, tltc1…, rltc1…).
KEY_IO_VALID_TESTNET = [
    "mwXn5Vhicdav8Av3KMokx4YNuHoGRKxtWs",
    "QXaUgLHkZcbJb2j5XgMYzY8cF9YM48Y81Z",
    "QNfyfXGXxfeaG8SQpnHxS2J27ysokKCtZL",
    "mpWvR79tSrA5xeziB6mjNYWdaVRwBpgnUP",
    "QgDNrG4nJpE4VV7PcFMFhkTgwAHWxWS7pj",
    "tltc1qpftpsvdn6mjp8celrkj0qxqy4jlapl959rlwg9",
    "tltc1q9awqm4ah2lmettm3hnhgqtssvz527jxglxxshkt75l0ygdl3vlyqy5739f",
    "tltc1pfnh6ljtrdgk4hh3acvu39a742vaqmd2khnd0tp9d0prcnvpq6zgqn0ecgk",
    "tltc1rdljmhjrmdhjsu6qgm75lkm9l0540kkfu",
    "rltc1q3kquwp848h4juq7rl5q3wqsr29pd3d6wprzz8k",
    "rltc1qlmpaz9m7vd2578yjlcesf5e0m0fumev8n54nxks4ld66sn7qztfqurdukc",
    "rltc1prd75w9a3v4kfjtkx93z0m2tdl4mpyfqty9kaxxp4zdnlrrkrv4lq6eksea",
    "rltc1sp4r7tfack86dyy6mhs0ptnzrccdhce92kuvzuna7085xg8qm7kxm0fq7xzfsd889mzm4we",
    "mnJYjG654G354sX1xEBaPGvGCoe34M1Pqr",
    "QQjXG2nbVfxysmaEZQVL9TsS359WjDT5ux",
    "QjqYEtoPWjTVxZQFUWdWj6r48hM6i2ESc2",
    "mtJ7NFSGv2WuwsigXhQymzMhxFh9uANCTY",
    "QfS38XTvXmuNFeyS8orinxHkDkonMDS1ih",
    "tltc1quf7ycjczjpjd6u9a8mpa00jl7g9aplhy8e0vf7",
    "tltc1qzu820r8szwesmaj7acyvkute2ch2p89rppld6xkmsnfj06sttuaqjymary",
    "tltc1pcdvmgxjvz4glnvxfufqt7qgcz94dxqa8t838upq4ajqf2r6f7dastfdk7r",
    "tltc1rvc3hu7rz7ypgx0ewvf9mnf84ssn9gtu3",
    "rltc1q8zvr5cvkf2ke0c5vjm8u6z66zck8en8grn9n22",
    "rltc1q9a3fdc7cmk0ls0tp42lj05jwdhu79jd5str2dnq5nz4xv73wl79qrlnh7e",
    "rltc1pw6ly729khz7ndll807q5gx77q0nxpkpl7xauxshnzafs906sz3kqm6rx4v",
    "rltc1s207hhga4nkr2vnhc02sr09h3xdp8k74eppgtd9f9js0j8cw5qjw693dd3k8apxrldxdn3f",
]

# Mainnet private keys (WIF): valid Base58Check, but no address.
KEY_IO_VALID_MAINNET_PRIVATE_KEYS = [
    "6vqpCruyRS9bEY6ZVrL8S9EL5h2MnQZffzzqrpNP9i8YozvXTKs",
    "T5MZ5z9WqJxzVxYyVPecTJUSDkzDWrUYe1JuSX2AqJ9jKmLJrvTE",
    "6u9LAemSUL9Zq9uThTQMCUexBr2ZG26Cr5pShqe3E7R2bp4EHqj",
    "TAhBKuN6oDx4cGuTcfxEEt6qShF7juasHLj5wgURB5MoK7cK9n9A",
]

KEY_IO_INVALID = [
    "",
    "x",
    "dfbPb4pUb4pTX4UQYFUjKyiSF8CQgxugLS62GjwZypEoibsosn9Vb4KVCda1rRWmZmNiRrwvmCn",
    "9HNmZX4VS73qJEWzmNcmXbkQ9TFf6sUTCQ",
    "gjLg9jYHzW5ciXEDz9zWiotzYe2cct2PTtToqpoFgwo4EkCAaDDrofJawHSpRU8ki2bggowiBok",
    "SLrpY37XP4qJryx7fjPZMak4Lxzfo5WShx",
    "kTcGJ65MCfb8jXDWf1sYGEpCyA4kcP9BDk",
    "521Yh6VfYQu5PtUDwaFAvsKAwczLgviqYpgbSxRdRzpjtnmT6JmTUeqsATPFj17ABdvzwPv8uugf9",
    "cUBHNh9Q2nDG6rsPProgGCZJnjUMEMyHWqm6p9eHwQJDPdm5rYBE",
    "7V7qeUyYjXzGsWD7SJRAep6s7kcptC2irxWDgByP1vHNt2cTJGcCDqTH9WRYtkQgx6dYxCtXJwgMk",
    "tc1qqtcszl2x5dm89t8989ylwucwsnqq2pmxxv4wuw",
    "bt1p2c4wcwdszz8qhgg2anf8q4qh3wfvr007f8zjyfud0wneenz85upsfwevl6",
    "tltc13vj87tzu08d9277dqfzafda7snm796xrx3kyv2536km3m3ef7lk7q0yq8hg",
    "RLTC1RUCQRYUFY",
    "ltc10utujc7h82n098qam35qv4sm4kztue0lh04er7zf6lslcwfmhc92kym83guu06nrvl56g2ekm",
    "tltc1qh8tp3qqmtz474xju0rajr3uz8vw00j2r",
    "rltc1q2k5v9aryyn8pqg5dsjy0f8700tq2ph7q3mkcu573fjutlckyu7u3ysyapj",
    "ltc153m7rf",
    "tltc1qywr4l8fyce9u6lwsykq4uez3g8kjfwterfxtjs784m526tavu84qeslpvf",
    "RLTC1QLPJ9XAKFWDYNP49LZ67kvf6FSKWD0P494P5PLT",
    "ltc1qfflgggucfrs482us7q786eew4ryqta3vl2aspf",
    "tltc1q8wdx4az9f0lyvrpumqp74teu99vfay22etgulptz0u3zwl49wc6s2pktf0",
    "rltc1qwvcm8vv0z02rvsx40w37jqhwcsr2rzyy7ksnsq",
    "ltc1pdhzupjn6sdyalpqn2flajzeyh7qw7r68z6zqnky8ns07k2du90jsd76y75",
    "tltc1z8pp8yj2xsvf40fw42suw8fntrchs0pdc",
    "rltc1sp3lm8alrzckqhe6nk29xp2de7qwvhq5e7qe8fa",
    "pLrE7DTSJEqA3EY9pn9xqxGsQQq1ZodMq9",
    "ftPq56BTH4DpneHagKmzzoaFaNzKKtJzNnTw1HKUAHuKoHHANUTkSh8PW1ETaDJARc9B1PzwVok",
    "2MwUPLQvSc9iamSJ4bKEGM7gHBaZeP9LNxp",
    "DHTtS2VMFFKgjtNzvPBmhzkhxpVdQEX8CfEt8h72xDrn9A8LFzUbseFtVPbzAmTPysdDTcQM8iS",
    "2N1evLCwGTML3dbW9PRk8nEgGYNb3rxG5RtN",
    "T3zMzNuAAXou7nsh1ah6y1Mrj9DZ2Wgx5yoqiSsrxiQbfw57BHrz",
    "oEPMsv4V5qZKoUyfNeCz1Z87PzPohDwhvJDd4UKivg4PWSen16kAZokNyTveoNrzowQEXaxRi8J",
    "cU6LESh6ttsCfCf4xQXv3CrNY4JHWACNoJCDrbVaRj3WYpyUCGzV",
    "tc1q8s7jrus7u2qgdm895pyv30le3cprehalv9lnc3",
    "bt1paw9uw7srejsczdlfe28xwdyqzk8lrjw9x8jdqw6pr2pwd2v9ywusum6u0n",
    "tltc13vgu624uk8ft5ll4aa2mpawe8xj63dxzzyn73zv9920n3v9p4xlvs46fqn5",
    "rltc1rvgnh26gv",
    "ltc10wqhm0mq4dq3gcckz0vpa00k62awh67cdwymfu6jc2jttg8n8sdwjdy6hst25zf37fcneh0fh",
    "tltc1qnmrmqt9d459t7yed75t97w85rvhpm2lu",
    "rltc1qddrre03z0h5qcg5y4qcyhzh9jera7zue8uv4y5nttg44gtyy8gc3w0j0ra",
    "ltc1qc7c53klkh5hhutxursumtl4eevq03vhzq",
    "tltc1q8j0kqm4q2w34kval4px7yauhq02hzy5xqp8jazsvu9zj8ptzhf5qzd7fee",
    "rltc1q9yk0zwnmamlt09wz6yu3v03xwcfnZQ8Ae8tmyc",
    "ltc1qc243zefnc9kzmsw72nytw4542g9nhwlxepjl6l",
    "tltc1qve28jd595ssf2usq5rhw24ehsny2f4tg62emue3q9wm40t7hplmqlftk8j",
    "rltc1q7mqj6cpffp32z0vksng3z5fr9fvhtt9mrgxrj8",
    "ltc1pt9dz00jx8y7x8ylmwe8q0llyrzs32px96wgsm8znsnmj9cgs0ffszkcwyf",
    "tltc1zhf4exwjxy7gh08najmlq4qn37uhvrzsv",
    "rltc14aymck",
    "2J5Aw2ADD73uDiWjBygH9v9CUc4FoMCnpXmdA3ArF5eG2M3quPMZcVzL7D6FbijsGcsq6dohRrm5",
    "2CyfoCce6BLYfKyAjW6n7x1gie1VMWwnKuZdq4U2MnaYzqSg1NKs6i66DQnGPGzwv33UM5cJehsk",
    "A2oWG2iWYa3NvYJ5r8JcxYCcEeHDP7LGCSMWQFQePa5QuAYsfNHS",
    "928oyNBWu1x44NuMptnH95toXArxtJBXLsJVg4xBTJuf92Q3HHXy",
    "cTMLykLqdEAst53pvxkJ5urLdXAU4zqhwzAwnurEWowy9d36ABYs",
    "cS2qXYzEZkoTgxp3xKBAXFXEQ1TcD9LLoGTpvMSr45o2rfxu1SAj",
    "AyUHw9wePktAhQPe4CUfGD6iU6tP7zGUSUPjp4GkmUj3dqVPDFw4",
    "tc1q8e3cz8e6jxrylsvmc7ng595rvn2m74ka5nhmyz",
    "bt1pyaatm98c7wmepfv558k6vt9zhtls6rdggelh86wyahsgye3h7vyst22puy",
    "tltc1355kwhrv2gsc7fyfma88nxqqzs3mmlcetg29cpfrd39hp2xjd3jwsrz78uv",
    "rltc1r55jrpej6",
    "ltc1pdtjxt",
    "tltc1gut4t3",
    "rltc1qnv2uheg45ns07mv6f0h82xz48xzahaemlvxczexnl74jglwvetqp73s7wn",
    "ltc1q0susza3qwj6lyp7d2q6g258vrgqw4afzt",
    "tltc1qsv7l20xzequp2hvtpmyc0nw6mmefyd0zj4a27y0jgkr2mcypfnss4fc7ky",
    "rltc1qu8qwtg4kx886ex2frzcp4v9lk9V440cd75ch47",
    "LTC1Q3ME3JU4NWKE72UUETHLKLZMWQAVTDG4AG8FXSK",
    "tltc1qc5d8gx5zm4vwufpp8galregpckfx52jfwyxtpng8pamd37g0pv3svfvnu4",
    "RLTC1QR29H2QPX85CF7PCHDLWU8L7J4NZ2TW5LA5FFZM",
]

ACCEPTED = [
    # PROVIDERS.md: L… (0x30), M… (0x32), and the older 3… P2SH (0x05) shared with Bitcoin.
    "LT2KVaAy1ppRuxRgrS5RNU3vBsy7RibPeA",
    "MHrYRxAiMNBTku3eoDHwhA1LQGDjUStZW2",
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    # key_io_valid.json: taproot, witness v1 with a 32-byte program, bech32m.
    "ltc1ppu2gv0tujus0f6eggrk7eqmaf0567x6zer4fcuhz4z7ztzq9u9yseqxltc",
    # Generated: Base58Check that starts like upper-case segwit, version 0x30 over the hash160
    # 5762d12060ae3c254a30ecd8c0b8357f29d4c3d6.
    "LTC1RpZdEsnEok7GqWuzbq9tj1qx8YHHAV",
]

# litecoin-project/litecoin src/wallet/test/scriptpubkeyman_tests.cpp: refused because block
# explorers cannot see MWEB addresses.
MWEB_ADDRESS = (
    "ltcmweb1qq20e2arnhvxw97katjkmsd35agw3capxjkrkh7dk8d30rczm8ypxuq329nwh2twmchhqn3jqh7ua4ps"
    "539f6aazh79jy76urqht4qa59ts3at6gf"
)

# (address, a fragment of the message that refuses it)
REFUSED_WITH_REASON = [
    (MWEB_ADDRESS, "MWEB (ltcmweb1…) addresses cannot be tracked"),
    (MWEB_ADDRESS.upper(), "invisible to block explorers"),
    # PROVIDERS.md: fails the checksum.
    ("LMfFTdS67NzKxfUqMTf5JWCJXt5dgu1Eom", "Base58Check checksum mismatch"),
    ("ltc1qhdhvrwe6rgqns8fz28tee0hphr5x7ulw5exv4x", "Invalid bech32 checksum"),
    # Upper case is segwit too, so a typo there reports the bech32 error.
    ("LTC1QHDHVRWE6RGQNS8FZ28TEE0HPHR5X7ULW5EXV4X", "Invalid bech32 checksum"),
    ("Ltc1qhdhvrwe6rgqns8fz28tee0hphr5x7ulw5exv4w", "Mixed-case bech32 address"),
    ("", "Address is empty"),
    ("LT2KVaAy1ppRuxRgrS5RNU3vBsy7RibPeA\n", "whitespace"),
]

LITECOIN = ChainVectors(
    chain=Chain.LITECOIN,
    accepted=stored_as_given(KEY_IO_VALID_MAINNET_BASE58 + KEY_IO_VALID_MAINNET_SEGWIT + ACCEPTED)
    + [(address.upper(), address) for address in KEY_IO_VALID_MAINNET_SEGWIT],
    refused=refused_for(KEY_IO_VALID_MAINNET_PRIVATE_KEYS, "private key (WIF)")
    + REFUSED_WITH_REASON,
    testnet=KEY_IO_VALID_TESTNET,
    malformed=KEY_IO_INVALID,
)
