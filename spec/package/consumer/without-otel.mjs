// Makes `@opentelemetry/api` impossible to import (as in an application that does not have it),
// for ESM imports only: prom-client's own CommonJS require of it still works. Used as
// `node --import ./without-otel.mjs main.mjs`: the network must run as it does with it.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === '@opentelemetry/api') {
    const e = new Error("Cannot find package '@opentelemetry/api' (hidden by without-otel.mjs)");
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  }
  return next(specifier, context);
}
`)}`,
);
