// Caddy's metrics relabelled for the edge's /metrics: server r<port> becomes the route's environment and service.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { relabelCaddyMetrics } from '../edge-metrics.js';

// As Caddy 2.6 prints them (trimmed).
const CADDY = `# HELP caddy_http_requests_total Counter of HTTP(S) requests made.
# TYPE caddy_http_requests_total counter
caddy_http_requests_total{handler="reverse_proxy",server="r8100"} 7
caddy_http_requests_total{handler="reverse_proxy",server="r8101"} 2
# HELP caddy_http_request_duration_seconds Histogram of round-trip request durations.
# TYPE caddy_http_request_duration_seconds histogram
caddy_http_request_duration_seconds_bucket{code="200",handler="reverse_proxy",method="GET",server="r8100",le="0.005"} 6
caddy_http_request_duration_seconds_count{code="200",handler="reverse_proxy",method="GET",server="r8100"} 7
caddy_http_request_errors_total{handler="reverse_proxy",server="r8100"} 1
# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 42
caddy_admin_http_requests_total{code="200",handler="metrics",method="GET",path="/metrics"} 3
`;

test('route ports become environment/service/port labels; unowned ports and other families are dropped', () => {
  const out = relabelCaddyMetrics(CADDY, (port) =>
    port === 8100 ? { environment: 'production', service: 'web' } : null,
  );
  assert.is(
    out,
    [
      '# HELP caddy_http_requests_total Counter of HTTP(S) requests made.',
      '# TYPE caddy_http_requests_total counter',
      'caddy_http_requests_total{handler="reverse_proxy",environment="production",service="web",port="8100"} 7',
      '# HELP caddy_http_request_duration_seconds Histogram of round-trip request durations.',
      '# TYPE caddy_http_request_duration_seconds histogram',
      'caddy_http_request_duration_seconds_bucket{code="200",handler="reverse_proxy",method="GET",environment="production",service="web",port="8100",le="0.005"} 6',
      'caddy_http_request_duration_seconds_count{code="200",handler="reverse_proxy",method="GET",environment="production",service="web",port="8100"} 7',
      'caddy_http_request_errors_total{handler="reverse_proxy",environment="production",service="web",port="8100"} 1',
      '',
    ].join('\n'),
  );
  assert.is(
    relabelCaddyMetrics('garbage\n{}\n', () => ({ environment: 'a', service: 'b' })),
    '',
  );
});

test.run();
