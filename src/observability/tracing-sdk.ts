import { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * Starts the OpenTelemetry Node SDK (OTLP over HTTP, configured by the standard OTEL_*
 * variables: endpoint, headers, service name, sampler) with no auto-instrumentation: the spans
 * are the runs' and node attempts' (src/runs/run-tracing.ts). Returns its shutdown (flushes).
 */
export function startTracing(serviceName = 'agent-execution-framework'): () => Promise<void> {
  const sdk = new NodeSDK({ serviceName, instrumentations: [] });
  sdk.start();
  return () => sdk.shutdown();
}
