// The installed package serves its live dashboard: the page, its modules and the runbook it
// links to ship in the tarball (dist/serve/dashboard/). Prints each path's status as JSON.
import { createNetwork, createNetworkServer } from 'plexus';

const net = createNetwork({ name: 'consumer-dashboard' });
net.node('echo', { handle: () => {} });
await net.start();
const server = await createNetworkServer(net);
const found = {};
for (const path of ['/', '/dashboard/app.js', '/dashboard/graph.js', '/dashboard/failover.js', '/dashboard/forecast.js', '/dashboard/style.css', '/runbook', '/dashboard/operations.md']) {
  found[path] = (await fetch(`${server.url}${path}`)).status;
}
await net.shutdown();
console.log(JSON.stringify(found));
