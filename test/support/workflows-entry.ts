// The one workflow bundle of a test run: docflow's workflows plus the harness's own fixtures.
export * from '../../src/workflows';
export * from '../fixtures/harness-workflows';
