// In a project whose package.json says "type": "module", .js files are ES modules,
// where PM2's require() fails. pmfx loads them.
import { cpus } from 'node:os';

export default {
  apps: [{ name: 'api', script: 'server.js', instances: cpus().length }],
};
