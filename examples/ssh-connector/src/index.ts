// The example's building blocks, for the other examples (s3-connector) and tests.
export { type Connector, type ConnectorEvent, type ConnectorOptions, startConnector } from './connector.js';
export { availableClient, DEMO_STEPS, type DemoRun, driveDemoSession } from './demo.js';
export { type DemoTarget, type DemoTargetOptions, startDemoTarget } from './demo-target.js';
export { createDemoGrants, type DemoGrants, type DemoToken } from './grants.js';
export { describeKey, type HostKey, knownHostsLine, loadOrCreateHostKey } from './host-key.js';
export { commandsOf, inspectCommand, inspectFile, printInspect } from './inspect.js';
export { ConfigError, type TargetConfig, targetFromEnv } from './target.js';
