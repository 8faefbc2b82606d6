// The web page's static files are served from dist/ui/static beside the compiled routes.
import { cpSync } from 'node:fs';

cpSync(new URL('../src/ui/static', import.meta.url), new URL('../dist/ui/static', import.meta.url), {
  recursive: true,
});
