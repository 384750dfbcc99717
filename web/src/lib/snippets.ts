/** Where the console runs, as the SDK snippets need it. */
export interface Endpoint {
  /** e.g. https://cx.example.com */
  origin: string;
  /** e.g. cx.example.com (with port, if any) */
  host: string;
  protocol: 'http' | 'https';
}

export function currentEndpoint(
  location: Pick<Location, 'origin' | 'host' | 'protocol'> = window.location,
): Endpoint {
  return {
    origin: location.origin,
    host: location.host,
    protocol: location.protocol === 'http:' ? 'http' : 'https',
  };
}

export interface SampleTexts {
  user: string;
  city: string;
  plan: string;
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Browser snippet for Segment's analytics-next SDK pointed at this server. The settings are given inline
 * (`cdnSettings`), so the SDK makes no request to Segment's CDN.
 */
export function browserSnippet(writeKey: string, endpoint: Endpoint, sample: SampleTexts): string {
  return `import { AnalyticsBrowser } from '@segment/analytics-next';

const writeKey = ${quote(writeKey)};

export const analytics = AnalyticsBrowser.load(
  { writeKey, cdnSettings: { integrations: { 'Segment.io': { apiKey: writeKey } } } },
  {
    integrations: {
      'Segment.io': { apiHost: ${quote(`${endpoint.host}/v1`)}, protocol: ${quote(endpoint.protocol)} },
    },
  },
);

analytics.identify('user-1001', { name: ${quote(sample.user)}, city: ${quote(sample.city)} });
analytics.track('Plan Viewed', { plan: ${quote(sample.plan)} });
`;
}

/** Node.js snippet for Segment's analytics-node SDK. */
export function nodeSnippet(writeKey: string, endpoint: Endpoint, sample: SampleTexts): string {
  return `import { Analytics } from '@segment/analytics-node';

const analytics = new Analytics({ writeKey: ${quote(writeKey)}, host: ${quote(endpoint.origin)} });

analytics.identify({ userId: 'user-1001', traits: { name: ${quote(sample.user)}, city: ${quote(sample.city)} } });
analytics.track({ userId: 'user-1001', event: 'Trial Started', properties: { plan: ${quote(sample.plan)} } });

// Before the process exits, send what is still queued:
await analytics.closeAndFlush();
`;
}

/** Plain HTTP (Segment tracking API) with curl. */
export function httpSnippet(writeKey: string, endpoint: Endpoint, sample: SampleTexts): string {
  const body = JSON.stringify({
    userId: 'user-1001',
    event: 'Plan Viewed',
    properties: { plan: sample.plan },
  });
  return `curl ${endpoint.origin}/v1/track \\
  -u '${writeKey}:' \\
  -H 'Content-Type: application/json' \\
  -d '${body.replace(/'/g, "'\\''")}'
`;
}
