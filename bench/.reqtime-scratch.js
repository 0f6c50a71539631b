// preload: inclusive require time attributed to package of first entry
const Module = require('module');
const orig = Module._load;
const stats = new Map();
let depth = 0; const stack=[];
function pkgOf(req, parent){ if (req.startsWith('.')||req.startsWith('/')) return null; const p=req.split('/'); return req.startsWith('@')? p.slice(0,2).join('/'):p[0]; }
Module._load = function(request, parent, isMain){
  const pkg = pkgOf(request, parent);
  const outer = stack.length? stack[stack.length-1] : 'app';
  const key = pkg && pkg !== outer ? pkg : null;
  if (!key) return orig.apply(this, arguments);
  stack.push(key);
  const t=process.hrtime.bigint();
  try { return orig.apply(this, arguments);} finally { const d=Number(process.hrtime.bigint()-t)/1e6; stack.pop(); const k=outer+' -> '+key; stats.set(k,(stats.get(k)||0)+d);} };
const t0 = process.hrtime.bigint();
process.on('exit',()=>{ const arr=[...stats].filter(([k,v])=>v>0.5).sort((a,b)=>b[1]-a[1]); for(const [k,v] of arr) process.stderr.write(k.padEnd(70)+v.toFixed(1)+' ms\n'); process.stderr.write('since preload: '+(Number(process.hrtime.bigint()-t0)/1e6).toFixed(1)+' ms; uptime '+(process.uptime()*1000).toFixed(0)+' ms, maxRSS '+(process.resourceUsage().maxRSS/1024).toFixed(1)+' MB\n');});
