#!/usr/bin/env node
// Thin launcher so `touchpoint` works from npm's bin links; the CLI itself is compiled to dist/.
import('../dist/main.js').then((m) => m.main(process.argv.slice(2)));
