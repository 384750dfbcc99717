export { loadConfig, describeConfig, ConfigError, ENV_VARS, type Config } from './config.js';
