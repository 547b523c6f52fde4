// Runs every audit of graphql-http's GraphQL-over-HTTP suite against the URL given and prints
// one JSON line per audit; exits 1 when a MUST or SHOULD audit fails.
// Usage: node audit.mjs http://127.0.0.1:8000/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint url>');
  process.exit(2);
}

let failed = false;
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  const requirement = audit.name.split(' ')[0];
  const line = { id: result.id, name: result.name, requirement, status: result.status };
  if (result.status !== 'ok') {
    line.reason = result.reason;
    if (requirement === 'MUST' || requirement === 'SHOULD') failed = true;
  }
  console.log(JSON.stringify(line));
}
process.exit(failed ? 1 : 0);
