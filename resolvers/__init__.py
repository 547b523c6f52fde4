"""What the GraphQL schema calls: reads and writes through db/, no GraphQL types."""
