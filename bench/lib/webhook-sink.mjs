// The receiver of the webhook bench: node:http on loopback answering 204 at once and counting the
// distinct webhook-ids it acknowledged. Prints its port; `GET /count` answers the count.
// Usage: node webhook-sink.mjs
import { createServer } from 'node:http';

const ids = new Set();
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ acknowledged: ids.size }));
    return;
  }
  req.resume();
  req.on('end', () => {
    ids.add(req.headers['webhook-id']);
    res.writeHead(204);
    res.end();
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
