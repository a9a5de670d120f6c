#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled dist/ tree.
import '../dist/cli.js';
