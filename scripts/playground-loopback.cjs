// Preload for Microsoft 365 Agents Playground: it has no host option and listens on every interface.
// Give every listen() that names no host 127.0.0.1, so the playground is reachable from this machine only.
'use strict';

const net = require('node:net');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (typeof first === 'object' && first !== null && !Array.isArray(first) && first.path === undefined) {
    if (first.host === undefined) args[0] = { ...first, host: '127.0.0.1' };
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, callback]): insert the host when the second argument is not one.
    if (typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  } else if (first === undefined || typeof first === 'function') {
    args.unshift(0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
