// UI benchmark (figures, never assertions): time to interactive, console latency at 1,000+
// pods, frame rate while dragging at 100 nodes / 2,000 pods. Needs a release build in dist/
// (scripts/bench-ui.sh builds it). Prints one line per figure.
import { launch } from './browser.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const { page, errors, close } = await launch();
try {
  // time to interactive: navigation start to the default cluster drawn and the console ready
  const tti = [];
  for (let i = 0; i < 5; i++) {
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.waitForSelector('.node[data-node="node02"]', { timeout: 20000 });
    await page.waitForSelector('#console-input:not([disabled])');
    tti.push(await page.evaluate(() => performance.now()));
  }
  console.log(`time to interactive (localhost, empty storage): median ${median(tti).toFixed(0)} ms of ${tti.map((x) => x.toFixed(0)).join(', ')}`);

  // a big cluster, typed as a teacher would paste it: 100 nodes, 2,000 pods
  await page.click('#play'); // paused: the clock does not tick under the measurements
  const setup = Array.from({ length: 97 }, (_, i) => `sim node add n${String(i).padStart(3, '0')} --cpu 16 --memory 64Gi`).join('\n');
  const t0 = Date.now();
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', text + '\nkubectl create deployment big --image=nginx --replicas=2000\nsleep 30\n');
    document.querySelector('#console-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, setup);
  await page.waitForFunction(() => document.querySelectorAll('.node').length >= 100, null, { timeout: 600000 });
  const pods = await page.evaluate(() => document.querySelectorAll('.pod').length);
  console.log(`setup: 97 nodes added and a 2,000-replica deployment scheduled and started in ${((Date.now() - t0) / 1000).toFixed(1)} s (${pods} pods drawn)`);

  // console latency: Enter to the output drawn (the next frame), median of 15; and the part of
  // it the page is busy (the command, the DOM update and its layout) before it can paint
  const latency = async (cmd) => {
    const xs = [], busy = [];
    for (let i = 0; i < 15; i++) {
      const [x, b] = await page.evaluate(async (c) => {
        const input = document.querySelector('#console-input');
        input.value = c;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        const t = performance.now();
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
        void document.body.offsetHeight;
        const b = performance.now() - t;
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        return [performance.now() - t, b];
      }, cmd);
      xs.push(x);
      busy.push(b);
    }
    return `median ${median(xs).toFixed(1)} ms (busy ${median(busy).toFixed(1)} ms)`;
  };
  for (const cmd of ['kubectl get nodes --no-headers | wc -l', 'kubectl get pods -o wide | wc -l', 'kubectl get deploy big']) {
    console.log(`console latency at ${pods} pods, "${cmd}": ${await latency(cmd)}`);
  }

  // BRIEF.md's figure: a 1,000-pod cluster (the deployment scaled down, the rest system pods)
  const others = pods - 2000;
  await page.fill('#console-input', `kubectl scale deployment big --replicas=${1000 - others}`);
  await page.press('#console-input', 'Enter');
  await page.fill('#console-input', 'sleep 60');
  await page.press('#console-input', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('.pod').length <= 1000, null, { timeout: 120000 });
  const small = await page.evaluate(() => document.querySelectorAll('.pod').length);
  for (const cmd of ['kubectl get pods -o wide | wc -l', 'kubectl get pods -A', 'kubectl describe deploy big | wc -l']) {
    console.log(`console latency at ${small} pods, "${cmd}": ${await latency(cmd)}`);
  }

  // frame rate while dragging a pod across the canvas for 3 s (the page draws the compact view)
  const chip = await page.$('.node .pod');
  const box = await chip.boundingBox();
  await page.evaluate(() => {
    window.__frames = 0;
    const tick = () => { window.__frames++; window.__raf = requestAnimationFrame(tick); };
    window.__raf = requestAnimationFrame(tick);
  });
  const start = Date.now();
  await page.mouse.move(box.x + 4, box.y + 4);
  await page.mouse.down();
  let i = 0;
  while (Date.now() - start < 3000) {
    await page.mouse.move(200 + (i * 37) % 600, 80 + (i * 23) % 300, { steps: 2 });
    i++;
  }
  await page.mouse.up();
  const frames = await page.evaluate(() => { cancelAnimationFrame(window.__raf); return window.__frames; });
  console.log(`frame rate while dragging at 100 nodes / ${small} pods: ${(frames / ((Date.now() - start) / 1000)).toFixed(0)} fps (headless, no GPU)`);
  if (errors.length) console.log(`page errors: ${errors.join('\n')}`);
} finally {
  await close();
}
