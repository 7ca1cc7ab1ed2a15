// Runs the wasm build of `kubesim bench schedule` under Node.js.
// usage: node tools/bench-wasm/run.mjs PKG_DIR --nodes N --pods P [--score-all] [--seed N]
//        node tools/bench-wasm/run.mjs PKG_DIR --console   (console latency at 1,000 pods)
import { createRequire } from 'node:module';
import path from 'node:path';

const [pkg, ...args] = process.argv.slice(2);
const opt = { nodes: 5000, pods: 10000, scoreAll: false, seed: 1, console: false };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--score-all') opt.scoreAll = true;
  else if (a === '--console') opt.console = true;
  else if (a === '--nodes') opt.nodes = Number(args[++i]);
  else if (a === '--pods') opt.pods = Number(args[++i]);
  else if (a === '--seed') opt.seed = Number(args[++i]);
  else { console.error(`unknown flag ${a}`); process.exit(2); }
}
const require = createRequire(import.meta.url);
const m = require(path.resolve(pkg, 'kubesim_bench_wasm.js'));
if (opt.console) {
  // the UI bench's 1,000-pod cluster (tests/e2e/bench.mjs), without the page
  const nodes = Array.from({ length: 97 }, (_, i) => `sim node add n${String(i).padStart(3, '0')} --cpu 16 --memory 64Gi`);
  const setup = [...nodes, 'kubectl create deployment big --image=nginx --replicas=985', 'sleep 30', ''].join('\n');
  for (const cmd of ['kubectl get pods -o wide | wc -l', 'kubectl get pods -A', 'kubectl get nodes', 'kubectl describe deploy big | wc -l']) {
    process.stdout.write(m.bench_console(setup, cmd, 30));
  }
} else {
  process.stdout.write(m.bench_schedule(opt.nodes, opt.pods, opt.scoreAll, opt.seed));
}
const mem = m.memory_bytes();
console.log(`wasm memory: ${Math.round(mem / 1048576)} MiB (peak: linear memory only grows)`);
