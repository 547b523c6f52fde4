"""The simulator's Ethereum part: one deterministic chain served as Etherscan V2 and Blockscout."""
