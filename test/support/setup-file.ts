// Runs in every test process before its tests.
import { dropAwsNodeVersionNotice } from '../../src/node-warnings';

dropAwsNodeVersionNotice();
