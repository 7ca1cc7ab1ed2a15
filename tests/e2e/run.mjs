// End-to-end test of the playground in headless Chromium (Debian's, driven by playwright-core).
// Serves dist/ on a loopback port, types console commands and checks the page reacts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, out } from './browser.mjs';

let passed = 0, failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok - ${name}`); }
  catch (e) { failed++; console.log(`FAILED - ${name}: ${e.message}`); }
}

const { browser, page, errors, close } = await launch();
try {
  const run = async (cmd) => {
    await page.fill('#console-input', cmd);
    await page.press('#console-input', 'Enter');
  };

  await check('the default cluster is listed', async () => {
    for (const n of ['controlplane', 'node01', 'node02']) {
      await page.waitForSelector(`.node[data-node="${n}"]`, { timeout: 15000 });
    }
  });

  await check('kubectl get nodes prints the three nodes', async () => {
    await run('kubectl get nodes');
    await page.waitForFunction(() => document.querySelector('#scrollback')?.innerText.includes('node02'), null, { timeout: 10000 });
    const text = await page.innerText('#scrollback');
    for (const n of ['NAME', 'STATUS', 'controlplane', 'node01', 'node02', 'Ready', 'v1.37.0']) {
      if (!text.includes(n)) throw new Error(`missing ${n} in:\n${text}`);
    }
  });

  await check('kubectl run adds a pod that becomes Running on a node', async () => {
    await run('kubectl run web --image=nginx');
    await page.waitForFunction(() => document.querySelector('#scrollback')?.innerText.includes('pod/web created'), null, { timeout: 10000 });
    await page.waitForSelector('.node .pod[data-pod="web"]', { timeout: 10000 });
    await page.waitForSelector('.node .pod[data-pod="web"].status-running', { timeout: 20000 });
  });

  await check('errors print as kubectl prints them', async () => {
    await run('kubectl get podz');
    await page.waitForFunction(() => document.querySelector('#scrollback')?.innerText.includes('the server doesn\'t have a resource type "podz"'), null, { timeout: 10000 });
    const err = await page.$$eval('.out.error', (els) => els.length);
    if (err < 1) throw new Error('error output not marked as an error');
  });

  await check('kubectl explain loads its documentation on demand', async () => {
    await run('kubectl explain pod.spec.nodeName');
    await page.waitForFunction(() => document.querySelector('#scrollback')?.innerText.includes('FIELD: nodeName <string>'), null, { timeout: 10000 });
  });

  await check('the console keeps the newest output in view', async () => {
    await page.waitForFunction(() => {
      const el = document.querySelector('#scrollback');
      return el && el.scrollHeight > el.clientHeight && el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
    }, null, { timeout: 5000 });
  });

  await check('the inspector shows why the scheduler placed a pod', async () => {
    await page.click('.node .pod[data-pod="web"]');
    await page.waitForSelector('#explain-filter', { timeout: 5000 });
    const head = await page.innerText('#explain-headline');
    if (!/^Scheduled to node0[12] by default-scheduler$/.test(head)) throw new Error(`headline: ${head}`);
    const filter = await page.innerText('#explain-filter');
    // the control plane's taint is the reason it was filtered out
    for (const s of ['TaintToleration', 'controlplane', 'node(s) had untolerated taint(s)', 'node01', 'node02']) {
      if (!filter.includes(s)) throw new Error(`missing ${s} in the filter table:\n${filter}`);
    }
    const chosen = await page.$$eval('#explain-score tr.chosen', (rows) => rows.length);
    if (chosen !== 1) throw new Error(`${chosen} chosen rows`);
  });

  await check('the inspector shows the pod\'s kubectl describe (events included) and YAML; a node\'s name shows the node', async () => {
    // still the pod "web" selected above: describe, as kubectl prints it, with the scheduler's event
    const describe = await page.innerText('#inspector-describe pre');
    for (const s of ['Name:', 'web', 'Namespace:', 'default', 'Status:', 'Running', 'Events:', 'Scheduled', 'default-scheduler', 'Successfully assigned default/web to node0']) {
      if (!describe.includes(s)) throw new Error(`missing ${s} in describe:\n${describe}`);
    }
    // YAML is folded until opened, and stays open while the cluster changes
    if (await page.$eval('#inspector-yaml', (d) => d.open)) throw new Error('the YAML starts open');
    await page.click('#inspector-yaml summary');
    const yaml = await page.innerText('#inspector-yaml pre');
    for (const s of ['apiVersion: v1', 'kind: Pod', 'name: web', 'nodeName: node0']) {
      if (!yaml.includes(s)) throw new Error(`missing ${s} in the YAML:\n${yaml.slice(0, 400)}`);
    }
    await run('kubectl label pod web tier=front');
    await page.waitForFunction(() => document.querySelector('#inspector-yaml pre')?.innerText.includes('tier: front'), null, { timeout: 5000 });
    if (!(await page.$eval('#inspector-yaml', (d) => d.open))) throw new Error('the YAML closed when the pod changed');
    await page.click('#inspector-yaml summary');
    // a node: its pods and allocated resources, as kubectl describe node prints them
    await page.click('.node[data-node="node01"] .node-name');
    await page.waitForFunction(() => document.querySelector('.inspector-title')?.innerText.startsWith('node/node01'), null, { timeout: 5000 });
    const node = await page.innerText('#inspector-describe pre');
    for (const s of ['Name:', 'node01', 'Non-terminated Pods:', 'kube-proxy', 'Allocated resources:', 'cpu', 'memory']) {
      if (!node.includes(s)) throw new Error(`missing ${s} in describe node:\n${node.slice(0, 600)}`);
    }
    const facts = await page.innerText('#inspector-node');
    if (!/cpu\s+\d+m \/ 2000m/.test(facts)) throw new Error(`node facts: ${facts}`);
    await page.click('.node .pod[data-pod="web"]');
    await page.waitForSelector('#explain-filter', { timeout: 5000 });
  });

  await check('a pod that fits nowhere shows the FitError in the inspector (keyboard selection)', async () => {
    await run(`kubectl run picky --image=nginx --overrides='{"spec":{"nodeSelector":{"disktype":"ssd"}}}'`);
    await page.waitForSelector('#pending .pod[data-pod="picky"]', { timeout: 10000 });
    await page.focus('#pending .pod[data-pod="picky"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#explain-headline')?.innerText.startsWith('0/3 nodes are available'), null, { timeout: 5000 });
    const filter = await page.innerText('#explain-filter');
    if (!filter.includes("node(s) didn't match Pod's node affinity/selector")) throw new Error(filter);
  });

  await check('dragging a pending pod onto a node binds it there (manual scheduling)', async () => {
    // no scheduler serves this schedulerName: the pod waits in the unscheduled lane
    await run(`kubectl run manual --image=nginx --overrides='{"spec":{"schedulerName":"nobody"}}'`);
    await page.waitForSelector('#pending .pod[data-pod="manual"]', { timeout: 10000 });
    await page.dragAndDrop('#pending .pod[data-pod="manual"]', '.node[data-node="node01"]');
    await page.waitForFunction(() => document.querySelector('#scrollback')?.innerText.includes('binding/manual created'), null, { timeout: 10000 });
    await page.waitForSelector('.node[data-node="node01"] .pod[data-pod="manual"]', { timeout: 10000 });
  });

  await check('with the keyboard alone: a pending pod is bound from the inspector, then deleted', async () => {
    await run(`kubectl run kb --image=nginx --overrides='{"spec":{"schedulerName":"nobody"}}'`);
    await page.waitForSelector('#pending .pod[data-pod="kb"]', { timeout: 10000 });
    await page.focus('#pending .pod[data-pod="kb"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#inspector-bind-node', { timeout: 5000 });
    await page.selectOption('#inspector-bind-node', 'node02');
    await page.focus('#inspector-bind');
    await page.keyboard.press('Enter');
    // it arrives in its node with an animation
    await page.waitForSelector('.node[data-node="node02"] .pod[data-pod="kb"]', { timeout: 10000 });
    const arrived = await page.$eval('.node[data-node="node02"] .pod[data-pod="kb"]', (e) => e.classList.contains('arrived') && getComputedStyle(e).animationName);
    if (arrived !== 'arrive') throw new Error(`the bound pod's chip: ${arrived}`);
    await page.focus('#inspector-delete');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#scrollback')?.innerText.includes('pod "kb" deleted from default namespace'), null, { timeout: 10000 });
  });

  await check('a node\'s menu cordons, taints, labels and stops it; "add node" joins one; the bin deletes a pod', async () => {
    const menu = async (node) => {
      await page.click(`.node[data-node="${node}"] .node-menu-button`);
      await page.waitForSelector(`.node[data-node="${node}"] .node-menu`, { timeout: 5000 });
    };
    const saw = (text) => page.waitForFunction((t) => document.querySelector('#scrollback')?.innerText.includes(t), text, { timeout: 10000 })
      .catch(async () => { throw new Error(`waited for ${text}; the console ends with:\n${(await page.innerText('#scrollback')).slice(-600)}`); });
    await menu('node02');
    await page.click('.node[data-node="node02"] [data-action="cordon"]');
    await saw('node/node02 cordoned');
    await page.waitForFunction(() => document.querySelector('.node[data-node="node02"] .node-status')?.innerText === 'Ready,SchedulingDisabled', null, { timeout: 5000 });
    await menu('node02');
    await page.fill('.node[data-node="node02"] [data-form="taint"] input', 'gpu=true:NoSchedule');
    await page.click('.node[data-node="node02"] [data-form="taint"] button');
    await saw('node/node02 tainted');
    await page.waitForSelector('.node[data-node="node02"] .node-tags .taint:text("gpu=true:NoSchedule")', { timeout: 5000 });
    await menu('node02');
    await page.fill('.node[data-node="node02"] [data-form="label"] input', 'disktype=ssd');
    await page.click('.node[data-node="node02"] [data-form="label"] button');
    await saw('node/node02 labeled');
    await menu('node02');
    await page.click('.node[data-node="node02"] [data-remove-taint="gpu=true:NoSchedule"]');
    await saw('node/node02 untainted');
    await menu('node02');
    await page.click('.node[data-node="node02"] [data-action="uncordon"]');
    await saw('node/node02 uncordoned');
    await menu('node02');
    await page.click('.node[data-node="node02"] [data-action="stop"]');
    await saw('kubelet on node02 stopped');
    await menu('node02');
    await page.click('.node[data-node="node02"] [data-action="start"]');
    await saw('kubelet on node02 started');
    await page.click('#add-node');
    await page.fill('#add-node-cpu', '4');
    await page.fill('#add-node-labels', 'zone=b');
    await page.click('#add-node-submit');
    await saw('node/node03 added');
    await page.waitForSelector('.node[data-node="node03"] .label:text("zone=b")', { timeout: 10000 });
    const cpu = await page.innerText('.node[data-node="node03"] [data-bar="cpu"] .bar-text');
    if (!cpu.endsWith('/ 4000m')) throw new Error(`node03 cpu: ${cpu}`);
    // a pod dropped on the bin is deleted (kubectl delete pod), and its ReplicaSet would replace it
    await page.dragAndDrop('.node .pod[data-pod="web"]', '#bin');
    await saw('pod "web" deleted from default namespace');
    await page.waitForFunction(() => !document.querySelector('.pod[data-pod="web"]'), null, { timeout: 5000 });
    await run('kubectl run web --image=nginx');
    await page.screenshot({ path: join(out, 'node-menu.png') });
  });

  await check('zooming out draws compact nodes; back at 100% they are cards again', async () => {
    await page.click('#zoom-out');
    await page.click('#zoom-out');
    if ((await page.innerText('#zoom-level')) !== '64%') throw new Error(await page.innerText('#zoom-level'));
    await page.waitForSelector('.node.compact[data-node="node01"] .pod.dot', { timeout: 5000 });
    await page.click('#zoom-reset');
    await page.waitForSelector('.node[data-node="node01"]:not(.compact) .node-menu-button', { timeout: 5000 });
  });

  await check('zoomed in, dragging the canvas (not a pod) pans it', async () => {
    for (let i = 0; i < 3; i++) await page.click('#zoom-in');
    // grabbed by the control plane's cpu bar: the canvas scrolls down as the pointer goes up
    const bar = await (await page.$('.node[data-node="controlplane"] [data-bar="cpu"] .bar-track')).boundingBox();
    const scroll = () => page.$eval('#cluster', (e) => e.scrollTop);
    const before = await scroll();
    await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
    await page.mouse.down();
    await page.mouse.move(bar.x + bar.width / 2 - 40, bar.y + bar.height / 2 - 120, { steps: 6 });
    await page.mouse.up();
    const after = await scroll();
    if (!(after >= before + 100)) throw new Error(`the canvas scrolled from ${before} to ${after}`);
    await page.click('#zoom-reset');
  });

  await check('a node\'s menu by keyboard: it takes the focus, ↓/↑ move, Escape closes it, Enter acts', async () => {
    const focused = () => page.evaluate(() => document.activeElement?.dataset.action ?? document.activeElement?.className);
    await page.focus('.node[data-node="node02"] .node-menu-button');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.node[data-node="node02"] .node-menu', { timeout: 5000 });
    await page.waitForFunction(() => document.activeElement?.dataset.action === 'cordon', null, { timeout: 5000 })
      .catch(async () => { throw new Error(`focused on opening: ${await focused()}`); });
    await page.keyboard.press('ArrowDown');
    if ((await focused()) !== 'drain') throw new Error(`↓ went to ${await focused()}`);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    if ((await focused()) === 'drain' || (await focused()) === 'cordon') throw new Error(`↑ from the first item did not wrap: ${await focused()}`);
    await page.keyboard.press('Home');
    if ((await focused()) !== 'cordon') throw new Error(`Home went to ${await focused()}`);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.node[data-node="node02"] .node-menu'), null, { timeout: 5000 });
    if ((await focused()) !== 'node-menu-button') throw new Error(`after Escape the focus is on ${await focused()}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.dataset.action === 'cordon', null, { timeout: 5000 });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#scrollback')?.innerText.includes('node/node02 cordoned'), null, { timeout: 5000 });
    await run('kubectl uncordon node02');
    await page.waitForFunction(() => document.querySelector('.node[data-node="node02"] .node-status')?.innerText === 'Ready', null, { timeout: 5000 });
  });

  await check('time controls: pause stops the clock, step and 60× move it', async () => {
    const clock = async () => Date.parse(await page.innerText('#clock'));
    await page.click('#play'); // pause
    const paused = await clock();
    await page.waitForTimeout(2200);
    if ((await clock()) !== paused) throw new Error('the clock moved while paused');
    await page.click('#step');
    await page.waitForFunction((t) => Date.parse(document.querySelector('#clock').innerText) > t, paused, { timeout: 10000 })
      .catch(async () => { throw new Error(`step: the clock stayed at ${await page.innerText('#clock')} (paused at ${new Date(paused).toISOString()})`); });
    await page.selectOption('#speed', '60');
    await page.click('#play'); // play at 60×
    const before = await clock();
    await page.waitForFunction((t) => Date.parse(document.querySelector('#clock').innerText) >= t + 60000, before, { timeout: 10000 })
      .catch(async () => { throw new Error(`60×: the clock went from ${new Date(before).toISOString()} to ${await page.innerText('#clock')} (play button: ${await page.innerText('#play')})`); });
    await page.selectOption('#speed', '1');
  });

  await check('a pod pressed and dragged to the bin is the pod deleted, though its node changed meanwhile (60×)', async () => {
    // job aa's pod sits before held on node01; at 60× its deadline passes during the drag and
    // the job controller deletes it, so held's chip would move. Redrawn then, the browser
    // started the drag on whichever chip was now under the pointer (a coredns pod was deleted).
    for (const line of ['kubectl apply -f - <<EOF', 'apiVersion: batch/v1', 'kind: Job', 'metadata:', '  name: aa', 'spec:', '  activeDeadlineSeconds: 20',
      '  template:', '    spec:', '      nodeName: node01', '      restartPolicy: Never', '      containers:', '      - name: c', '        image: busybox',
      '        command: ["sleep", "3600"]', 'EOF']) await run(line);
    await run(`kubectl run held --image=nginx --overrides='{"spec":{"nodeName":"node01"}}'`);
    await page.waitForSelector('.node[data-node="node01"] .pod[data-pod="held"]', { timeout: 10000 });
    // once its arrival (a slide from the lane) is over, the chip stays where it is measured
    await page.waitForFunction(() => document.querySelector('.node[data-node="node01"] .pod[data-pod="held"]')?.getAnimations().length === 0, null, { timeout: 5000 });
    const before = await page.$$eval('.node[data-node="node01"] .pod', (els) => els.map((e) => e.dataset.pod));
    if (!before.some((p) => p.startsWith('aa-'))) throw new Error(`job aa's pod is not on node01: ${before}`);
    const from = await (await page.$('.node[data-node="node01"] .pod[data-pod="held"]')).boundingBox();
    const [x, y] = [from.x + from.width / 2, from.y + from.height / 2];
    await page.mouse.move(x, y);
    const under = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('.pod')?.dataset.pod, [x, y]);
    if (under !== 'held') throw new Error(`the mouse is over ${under}, not held`);
    // pressed and held before moving (the drag starts on the first move), then held again
    await page.mouse.down();
    await page.selectOption('#speed', '60');
    await page.waitForTimeout(3000);
    await page.mouse.move(x + 10, y + 10, { steps: 3 });
    await page.waitForTimeout(2000);
    const bin = await (await page.$('#bin')).boundingBox();
    await page.mouse.move(bin.x + bin.width / 2, bin.y + bin.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.selectOption('#speed', '1');
    await page.waitForFunction(() => /pod "[^"]*" deleted from/.test(document.querySelector('#scrollback')?.innerText.split('\n').slice(-3).join('\n') ?? ''), null, { timeout: 10000 })
      .catch(async () => { throw new Error(`the drop deleted nothing; the console ends with:\n${(await page.innerText('#scrollback')).slice(-400)}`); });
    const last = (await page.innerText('#scrollback')).trim().split('\n').pop();
    if (last !== 'pod "held" deleted from default namespace') throw new Error(`dragging held to the bin: ${last}`);
    // meanwhile the job's deadline passed and its pod went (node01 had changed under the drag)
    await page.waitForFunction(() => ![...document.querySelectorAll('.node[data-node="node01"] .pod')].some((e) => e.dataset.pod.startsWith('aa-')), null, { timeout: 5000 })
      .catch(async () => { throw new Error(`job aa's pod is still on node01: ${await page.innerText('.node[data-node="node01"] .pods')}`); });
    await run('kubectl delete job aa');
  });

  await check('time travel: the history slider shows the cluster as it was; back to now; continue from there', async () => {
    const saw = (text) => page.waitForFunction((t) => document.querySelector('#scrollback')?.innerText.includes(t), text, { timeout: 10000 })
      .catch(async () => { throw new Error(`waited for ${text}; the console ends with:\n${(await page.innerText('#scrollback')).slice(-600)}`); });
    const ttPods = () => page.$$eval('.node .pod', (els) => els.filter((e) => e.dataset.pod.startsWith('tt-')).length);
    await run('kubectl create deployment tt --image=nginx --replicas=2');
    await page.waitForFunction(() => [...document.querySelectorAll('.node .pod.status-running')].filter((e) => e.dataset.pod.startsWith('tt-')).length === 2, null, { timeout: 20000 });
    // the present, as the slider knows it, before the scale
    await page.click('#play'); // pause, so the revision stays put
    const before = Number(await page.$eval('#history', (e) => e.max));
    await page.click('#play');
    await run('kubectl scale deployment tt --replicas=4');
    await page.waitForFunction(() => [...document.querySelectorAll('.node .pod')].filter((e) => e.dataset.pod.startsWith('tt-')).length === 4, null, { timeout: 20000 });
    const toPast = async (r) => page.$eval('#history', (e, r) => { e.value = String(r); e.dispatchEvent(new Event('input', { bubbles: true })); }, r);
    await toPast(before);
    await page.waitForSelector('#past-banner', { timeout: 5000 });
    if ((await ttPods()) !== 2) throw new Error(`the past shows ${await ttPods()} tt pods, not 2`);
    if ((await page.innerText('#clock')) !== (await page.innerText('#past-time'))) throw new Error('the clock does not show the time of the past');
    if (!(await page.$eval('#play', (e) => e.disabled))) throw new Error('play is enabled in the past');
    // the console reads the past, and refuses to change it
    await run('kubectl get deploy tt');
    await page.waitForFunction(() => /tt\s+2\/2\s+2\s+2/.test(document.querySelector('#scrollback')?.innerText ?? ''), null, { timeout: 5000 })
      .catch(async () => { throw new Error(`kubectl get deploy tt in the past:\n${(await page.innerText('#scrollback')).slice(-300)}`); });
    await run('kubectl delete deployment tt');
    await saw('this is the cluster in the past (read only)');
    // the keyboard moves through the history a change at a time
    await page.focus('#history');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((b) => document.querySelector('#past-banner')?.innerText.includes(`revision ${b - 1} `), before, { timeout: 5000 });
    await page.screenshot({ path: join(out, 'time-travel.png') });
    // back to now: the present, untouched
    await page.click('#back-to-now');
    await page.waitForFunction(() => !document.querySelector('#past-banner'), null, { timeout: 5000 });
    await page.waitForFunction(() => [...document.querySelectorAll('.node .pod')].filter((e) => e.dataset.pod.startsWith('tt-')).length === 4, null, { timeout: 5000 });
    // continue from before the scale: two replicas again, and the clock runs from there
    await toPast(before);
    await page.waitForSelector('#past-banner', { timeout: 5000 });
    const then = Date.parse(await page.innerText('#past-time'));
    await page.click('#continue-here');
    await saw('Continued from here; what came after it is gone');
    await page.waitForFunction(() => !document.querySelector('#past-banner'), null, { timeout: 5000 });
    if ((await ttPods()) !== 2) throw new Error(`after continuing: ${await ttPods()} tt pods, not 2`);
    await run('kubectl get deploy tt -o jsonpath={.spec.replicas}');
    await page.waitForFunction(() => (document.querySelector('#scrollback')?.innerText ?? '').trim().endsWith('2'), null, { timeout: 5000 });
    if (await page.$eval('#play', (e) => e.disabled)) throw new Error('play is still disabled');
    await page.click('#play'); // it was paused by the travel: play again
    await page.waitForFunction((t) => Date.parse(document.querySelector('#clock').innerText) > t, then, { timeout: 10000 });
    // the cut session is what was saved: a reload keeps two replicas
    await page.reload();
    await page.waitForSelector('.node[data-node="node01"]', { timeout: 15000 });
    await page.waitForFunction(() => [...document.querySelectorAll('.node .pod')].filter((e) => e.dataset.pod.startsWith('tt-')).length === 2, null, { timeout: 10000 });
    await run('kubectl delete deployment tt');
  });

  await check('node cards show requests against allocatable and taints', async () => {
    const cp = await page.innerText('.node[data-node="controlplane"]');
    for (const s of ['cpu', 'memory', 'pods', 'node-role.kubernetes.io/control-plane:NoSchedule']) {
      if (!cp.includes(s)) throw new Error(`missing ${s} in:\n${cp}`);
    }
    const bars = await page.$$eval('.node[data-node="node01"] .bar', (els) => els.length);
    if (bars !== 3) throw new Error(`${bars} bars`);
  });

  await check('the session survives a reload, and reset starts over', async () => {
    const before = Date.parse(await page.innerText('#clock'));
    await page.reload();
    await page.waitForSelector('.node .pod[data-pod="web"]', { timeout: 20000 });
    await page.waitForSelector('.node[data-node="node01"] .pod[data-pod="manual"]', { timeout: 5000 });
    const after = Date.parse(await page.innerText('#clock'));
    if (after < before) throw new Error(`clock went back: ${before} -> ${after}`);
    await page.click('#reset');
    await page.waitForFunction(() => !document.querySelector('.pod[data-pod="web"]'), null, { timeout: 5000 });
    await page.reload();
    await page.waitForSelector('.node[data-node="node02"]', { timeout: 15000 });
    if (await page.$('.pod[data-pod="web"]')) throw new Error('reset did not clear the saved session');
  });

  await check('a share link rebuilds the cluster; a bad link leaves it untouched', async () => {
    await run('kubectl create deployment shared --image=nginx --replicas=2');
    await page.waitForSelector('.node .pod[data-pod^="shared-"]', { timeout: 10000 }).catch(async () => {
      throw new Error(`after create: ${(await page.innerText('body')).slice(-800)}`);
    });
    await page.click('#share');
    await page.waitForSelector('#share-link', { timeout: 5000 });
    const link = await page.inputValue('#share-link');
    if (!link.includes('#s1.') || link.length > 4000) throw new Error(`link: ${link.length} chars: ${link.slice(0, 80)}`);
    await page.click('#reset');
    await page.waitForFunction(() => !document.querySelector('.pod[data-pod^="shared-"]'), null, { timeout: 5000 });
    // opened in a new tab, as a learner opens a link they were sent
    const opened = await browser.newPage();
    opened.on('pageerror', (e) => errors.push(String(e)));
    await opened.goto(link);
    await opened.waitForSelector('.node .pod[data-pod^="shared-"]', { timeout: 20000 }).catch(async (e) => {
      throw new Error(`opened link (${link.length} chars): ${(await opened.innerText('body')).slice(0, 600)}`);
    });
    await opened.close();
    const bad = await browser.newPage();
    bad.on('pageerror', (e) => errors.push(String(e)));
    await bad.goto(link.split('#')[0] + '#s1.not-a-scenario');
    await bad.waitForFunction(() => document.querySelector('#scrollback')?.innerText.includes('The link was not opened'), null, { timeout: 10000 });
    // the saved cluster loads as before (other open tabs keep saving theirs: last write wins)
    await bad.waitForSelector('.node[data-node="node02"]', { timeout: 20000 });
    await bad.close();
  });

  await check('export saves the scenario as a file; importing it rebuilds the cluster; a bad file changes nothing', async () => {
    await run('kubectl create deployment exported --image=nginx');
    await page.waitForSelector('.node .pod[data-pod^="exported-"]', { timeout: 10000 });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click('#export')]);
    const file = join(out, 'scenario.json');
    await download.saveAs(file);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    if (saved.kubesim !== 1 || !saved.steps.some((s) => s[1].includes('deployment exported'))) throw new Error(`file: ${JSON.stringify(saved).slice(0, 300)}`);
    await page.click('#reset');
    await page.waitForFunction(() => !document.querySelector('.pod[data-pod^="exported-"]'), null, { timeout: 5000 });
    await page.setInputFiles('#import', file);
    await page.waitForSelector('.node .pod[data-pod^="exported-"]', { timeout: 20000 });
    const bad = join(out, 'bad-scenario.json');
    writeFileSync(bad, '{"kubesim": 99}');
    await page.setInputFiles('#import', bad);
    await page.waitForFunction(() => document.querySelector('#scrollback')?.innerText.includes('The file was not imported: the saved session has format version 99'), null, { timeout: 5000 });
    if (!(await page.$('.node .pod[data-pod^="exported-"]'))) throw new Error('a bad file changed the cluster');
  });

  await check('a here-document typed line by line waits at a > prompt, then applies', async () => {
    for (const line of ['kubectl apply -f - <<EOF', 'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: typed', 'spec:', '  containers:', '  - name: c', '    image: nginx']) {
      await run(line);
    }
    const p = await page.innerText('#prompt');
    if (p.trim() !== '>') throw new Error(`prompt while the here-document is open: ${p}`);
    await run('EOF');
    await page.waitForFunction(() => document.querySelector('#scrollback')?.innerText.includes('pod/typed created'), null, { timeout: 10000 });
    if ((await page.innerText('#prompt')).trim() !== '$') throw new Error('prompt did not return to $');
  });

  await check('the console: Tab completes, history comes back on ↑ after a reload, a pasted manifest is applied, clear empties it', async () => {
    await page.fill('#console-input', 'kubectl get deploym');
    await page.press('#console-input', 'Tab');
    if ((await page.inputValue('#console-input')) !== 'kubectl get deployments ') throw new Error(`after Tab: ${await page.inputValue('#console-input')}`);
    await page.fill('#console-input', 'kubectl describe pod ty');
    await page.press('#console-input', 'Tab');
    if ((await page.inputValue('#console-input')) !== 'kubectl describe pod typed ') throw new Error(`names: ${await page.inputValue('#console-input')}`);
    await page.fill('#console-input', 'kubectl get nodes node0');
    await page.press('#console-input', 'Tab');
    // two choices and nothing to add: they are listed, as bash lists them
    await page.waitForFunction(() => document.querySelector('#scrollback')?.innerText.includes('node01  node02'), null, { timeout: 5000 });
    await page.fill('#console-input', '');
    await run('kubectl get pod typed -o name');
    await page.reload();
    await page.waitForSelector('.node[data-node="node02"]', { timeout: 20000 });
    await page.press('#console-input', 'ArrowUp');
    if ((await page.inputValue('#console-input')) !== 'kubectl get pod typed -o name') throw new Error(`↑: ${await page.inputValue('#console-input')}`);
    await page.press('#console-input', 'ArrowDown');
    if ((await page.inputValue('#console-input')) !== '') throw new Error(`↓: ${await page.inputValue('#console-input')}`);
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.setData('text/plain', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pasted\ndata:\n  k: v\n');
      document.querySelector('#console-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    });
    await page.waitForFunction(() => document.querySelector('#scrollback')?.innerText.includes('configmap/pasted created'), null, { timeout: 5000 });
    await run('clear');
    await page.waitForFunction(() => document.querySelectorAll('#scrollback .entry').length === 0, null, { timeout: 5000 });
  });

  await check('the editor applies a manifest, shows an error at its line, and edits a live object', async () => {
    await page.click('#editor-tab');
    await page.waitForSelector('#editor-text', { timeout: 5000 });
    const bad = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: edited', 'spec:', '  containers:', '  - name: c', '    imagePullPolice: Always', '    image: nginx'].join('\n');
    await page.fill('#editor-text', bad);
    await page.click('#editor-apply');
    await page.waitForSelector('#editor-errors li[data-line="8"]', { timeout: 5000 }).catch(async () => {
      throw new Error(`errors: ${await page.innerText('#editor')}`);
    });
    const msg = await page.innerText('#editor-errors li[data-line="8"]');
    if (!msg.includes('unknown field "spec.containers[0].imagePullPolicy"'.replace('Policy', 'Police'))) throw new Error(msg);
    await page.waitForSelector('#editor-gutter [data-line="8"].bad', { timeout: 2000 });
    await page.fill('#editor-text', bad.replace('imagePullPolice', 'imagePullPolicy'));
    await page.click('#editor-apply');
    await page.waitForFunction(() => document.querySelector('#editor-result')?.innerText.includes('pod/edited created'), null, { timeout: 5000 });
    if (await page.$('#editor-errors li')) throw new Error('errors left after a good apply');
    // Edit on the pod: its live YAML, changed and applied
    await page.waitForSelector('.node .pod[data-pod="edited"]', { timeout: 10000 });
    await page.click('.node .pod[data-pod="edited"]');
    await page.click('#inspector-edit');
    await page.waitForSelector('#editor-text', { timeout: 5000 });
    const live = await page.inputValue('#editor-text');
    if (!live.includes('name: edited') || !live.includes('nodeName: node0')) throw new Error(`live yaml: ${live.slice(0, 300)}`);
    await page.fill('#editor-text', live.replace('image: nginx', 'image: nginx:1.27'));
    await page.click('#editor-apply');
    await page.waitForFunction(() => document.querySelector('#editor-result')?.innerText.includes('pod/edited configured'), null, { timeout: 5000 });
    await page.screenshot({ path: join(out, 'editor.png') });
    await page.click('#inspector-tab');
  });

  await check('a lesson is completed through the UI: a check fails, the work is done, every check passes', async () => {
    await page.click('#lessons-tab');
    await page.click('.lesson-pick[data-id="kube-proxy"]');
    await page.waitForSelector('#lesson-task', { timeout: 10000 });
    // the lesson starts from its own cluster: the earlier pods are gone
    await page.waitForFunction(() => !document.querySelector('.pod[data-pod="typed"]'), null, { timeout: 5000 });
    const stepText = async () => page.innerText('#lesson-step');
    if (!(await stepText()).includes('1/3')) throw new Error(await stepText());
    // nothing done yet: Check says so
    await page.click('#lesson-check');
    await page.waitForSelector('#lesson-results li.fail', { timeout: 5000 });
    // the hint and the solution are behind clicks
    if (await page.$('.lesson-hints li')) throw new Error('hint shown before asking');
    await page.click('#lesson-hint');
    await page.waitForSelector('.lesson-hints li', { timeout: 2000 });
    const steps = [
      ['kubectl create deployment web --image=nginx --replicas=2', 'kubectl expose deployment web --port=80', 'sleep 10'],
      [`kubectl get svc web -o jsonpath='{.spec.clusterIP}' > /root/web-ip.txt`],
      [`kubectl patch svc web -p '{"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":30080}]}}'`],
    ];
    for (let i = 0; i < steps.length; i++) {
      for (const cmd of steps[i]) await run(cmd);
      await page.click('#lesson-check');
      await page.waitForSelector('#lesson-passed', { timeout: 10000 }).catch(async () => {
        throw new Error(`step ${i + 1}: ${await page.innerText('#lessons')}`);
      });
      await page.click('#lesson-next');
    }
    await page.waitForSelector('#lesson-finished', { timeout: 5000 });
    // progress is kept: the list marks the lesson done after a reload
    await page.reload();
    await page.waitForSelector('#lesson-finished', { timeout: 20000 });
    await page.click('#lesson-back');
    const row = await page.innerText('.lesson-list li:has(.lesson-pick[data-id="kube-proxy"])');
    if (!row.includes('✓')) throw new Error(`list row: ${row}`);
  });

  await check('the interface and lessons switch to Korean', async () => {
    await page.click('#lang');
    await page.waitForFunction(() => document.querySelector('#lessons-tab')?.innerText.includes('레슨'), null, { timeout: 5000 });
    // the toolbar and the canvas speak Korean too
    for (const [sel, want] of [['#reset', '초기화'], ['#share', '공유'], ['.lane-title', '스케줄링 대기']]) {
      const got = await page.innerText(sel);
      if (!got.includes(want)) throw new Error(`${sel}: ${got}`);
    }
    await page.click('.lesson-pick[data-id="taints-tolerations"]');
    await page.waitForSelector('#lesson-title', { timeout: 10000 });
    const title = await page.innerText('#lesson-title');
    if (title !== 'Taint와 Toleration') throw new Error(`title: ${title}`);
    const task = await page.innerText('#lesson-task');
    if (!task.includes('Taint를 추가하세요')) throw new Error(`task: ${task}`);
    // the lesson's setup ran: node02 carries its taint
    await page.waitForSelector('.node[data-node="node02"] .taint', { timeout: 5000 });
    await page.screenshot({ path: join(out, 'lesson.png') });
    await page.click('#lang');
  });

  await check('a #lesson= link opens that lesson; an unknown one says so', async () => {
    const base = page.url().split('#')[0];
    const opened = await browser.newPage();
    opened.on('pageerror', (e) => errors.push(String(e)));
    await opened.goto(base + '#lesson=static-pods');
    await opened.waitForSelector('#lesson-title', { timeout: 20000 });
    const title = await opened.innerText('#lesson-title');
    if (!/Static/.test(title)) throw new Error(`title: ${title}`);
    await opened.goto(base + '#lesson=no-such-lesson');
    await opened.reload();
    await opened.waitForFunction(() => document.querySelector('#scrollback')?.innerText.includes('does not have'), null, { timeout: 10000 });
    await opened.close();
  });

  await check('no page errors', async () => {
    if (errors.length) throw new Error(errors.join('\n'));
  });
  await page.screenshot({ path: join(out, 'playground.png') });
} finally {
  await close();
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
