/**
 * The failover groups under `/api/failover`: the list (each group's report section and audit
 * trail) and the switch action (`POST /api/failover/:group/switch` with `{ to, by?, reason? }`).
 */
import type { Network } from '../network/network.ts';
import type { NodeFailoverGroup } from '../network/node-failover.ts';
import { PlexusError } from '../util/errors.ts';
import { ApiError } from './api-answer.ts';

/** The `by` of a switch whose body names nobody. */
const DEFAULT_SWITCH_BY = 'api';

/** One group as the API shows it: its members in failover order, its health-report section (`health`: each member's) and its audit trail. */
export function failoverView(group: NodeFailoverGroup) {
  const { members: health, ...status } = group.status();
  return { name: group.name, members: group.members, health, ...status, audit: group.audit() };
}

/** Every group (`GET /api/failover`). */
export function failoverList(network: Network) {
  return { groups: network.failoverGroups.map(failoverView) };
}

/** The group named `name`, or a 404. */
export function knownGroup(network: Network, name: string): NodeFailoverGroup {
  const group = network.failoverGroups.find((candidate) => candidate.name === name);
  if (group === undefined) throw new ApiError(404, 'not-found', `no failover group named ${JSON.stringify(name)}`);
  return group;
}

/**
 * `POST /api/failover/:group/switch`: switches `group` to the member `to` of the JSON body, with
 * its `by` (default `api`) and `reason` in the audit trail. 409 with the group's code when the
 * member is unhealthy or unknown (`PLEXUS_FAILOVER_EXHAUSTED`) or another process holds the
 * group (`PLEXUS_LIFECYCLE`).
 */
export async function switchFailover(network: Network, name: string, body: unknown) {
  const group = knownGroup(network, name);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'bad-request', 'the body must be a JSON object');
  const { to, by, reason } = body as { to?: unknown; by?: unknown; reason?: unknown };
  if (typeof to !== 'string' || to === '') throw new ApiError(400, 'bad-request', 'the body must name the member to switch to: { "to": "<member>", "by"?: "<who>", "reason"?: "<why>" }');
  if ((by !== undefined && typeof by !== 'string') || (reason !== undefined && typeof reason !== 'string')) throw new ApiError(400, 'bad-request', '"by" and "reason" must be strings');
  try {
    await group.switchTo(to, { by: by ?? DEFAULT_SWITCH_BY, ...(reason === undefined ? {} : { reason }) });
  } catch (error) {
    // The switch was refused for what the group is now, not for a malformed request.
    if (error instanceof PlexusError) throw new ApiError(409, error.code, error.message);
    throw error;
  }
  return failoverView(group);
}
