import autocannon from 'autocannon';

export interface ThroughputSummary {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Closed-loop load at `connections` for `seconds`, by autocannon. */
export async function measureThroughput(url: string, body: string, connections: number, seconds: number, headers: Record<string, string> = {}): Promise<ThroughputSummary> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    connections,
    duration: seconds,
    pipelining: 1,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
