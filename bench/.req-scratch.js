const t0=process.hrtime.bigint();
const mods=process.argv.slice(2);
let prev=t0;
for (const m of mods){ require(m); const t=process.hrtime.bigint(); console.log(m.padEnd(60), (Number(t-prev)/1e6).toFixed(1),'ms'); prev=t;}
console.log('total', (Number(prev-t0)/1e6).toFixed(1));
