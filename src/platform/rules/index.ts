export { compileValueTest, numberOf, readPath, type ValueCondition } from './value-test.js';
