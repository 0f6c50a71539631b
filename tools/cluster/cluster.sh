#!/usr/bin/env bash
# A single-node Kubernetes cluster built from source, for the cluster suite (test/cluster.test.ts) and for
# trying the manifests by hand. Everything runs as root inside one network namespace that has no route out
# (only loopback, the node address and the pod bridge), so nothing can leave the machine and nothing is
# pulled: images are the tarballs that tools/cluster/install.sh builds, imported into containerd.
#
#   tools/cluster/cluster.sh up          start etcd, the control plane, containerd, the kubelet, kube-proxy,
#                                        the NetworkPolicy engine, CoreDNS, kube-state-metrics and a webhook sink
#   tools/cluster/cluster.sh kubectl ... kubectl as cluster-admin, from inside the namespace
#   tools/cluster/cluster.sh run CMD...  any command inside the namespace (curl a Pod or Service address)
#   tools/cluster/cluster.sh env         KUBECONFIG, NETNS, ... as shell assignments
#   tools/cluster/cluster.sh status      exits 0 when the cluster is up
#   tools/cluster/cluster.sh down        stop everything, unmount, remove the namespace and the state folder
#
# The host keeps its ip_forward, iptables and ports: the bridge, kube-proxy's rules and every listening port
# live in the namespace. The programs stay mount-namespace neighbours (`nsenter --net` only), since
# containerd must see the volumes the kubelet mounts. Facts behind the settings: shared PITFALLS, "A real
# cluster on these machines" (cgroup v1, no CAP_SYS_RESOURCE, containerd 1.6).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
NETNS="${CLUSTER_NETNS:-cdk8s-mlops-monitoring}"
STATE="${CLUSTER_STATE_DIR:-/var/tmp/cdk8s-mlops-monitoring-cluster}"
NODE_NAME=node0
NODE_IP=10.213.0.2
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/24
API_SERVICE_IP=10.96.0.1
DNS_SERVICE_IP=10.96.0.10
READY_SECONDS="${CLUSTER_READY_SECONDS:-240}"

log() { echo "cluster: $*" >&2; }
die() { echo "cluster: $*" >&2; exit 1; }
in_ns() { nsenter --net="/run/netns/$NETNS" -- "$@"; }

kubectl_bin() { echo "$("$repo/tools/kubernetes/install.sh" --bin-dir)/kubectl"; }
kubectl_admin() { in_ns "$(kubectl_bin)" --kubeconfig "$STATE/kubeconfig/admin" "$@"; }

# Starts a long-running program inside the namespace, in its own session, logging to $STATE/log/<name>.log.
# nsenter (--net only) and setsid exec without forking, so $! is the program's own pid.
start_daemon() {
  local name=$1
  shift
  nsenter --net="/run/netns/$NETNS" -- setsid "$@" >"$STATE/log/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/pid/$name"
}

# Waits until a command succeeds, or fails with the tail of a log.
wait_for() {
  local what=$1 logname=$2
  shift 2
  local deadline=$((SECONDS + READY_SECONDS))
  until "$@" >/dev/null 2>&1; do
    if [ -n "$logname" ] && ! kill -0 "$(cat "$STATE/pid/$logname")" 2>/dev/null; then
      tail -n 40 "$STATE/log/$logname.log" >&2
      die "$logname exited while waiting for $what"
    fi
    [ $SECONDS -lt $deadline ] || { [ -z "$logname" ] || tail -n 40 "$STATE/log/$logname.log" >&2; die "timed out waiting for $what"; }
    sleep 1
  done
}

# --- certificates and credentials ---------------------------------------------------------------------------

# One CA signs the API server's serving certificate, the kubelet's serving certificate (so Prometheus could verify
# it with the ServiceAccount CA) and the API server's client certificate for the kubelet.
make_pki() {
  local pki=$STATE/pki
  mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cdk8s-mlops-monitoring test CA" \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  issue() { # name subject [subjectAltName]
    local name=$1 subject=$2 san=${3:-}
    openssl req -newkey rsa:2048 -nodes -subj "$subject" -keyout "$pki/$name.key" -out "$pki/$name.csr" 2>/dev/null
    local ext="$pki/$name.ext"
    if [ -n "$san" ]; then
      printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san" >"$ext"
    else
      printf 'extendedKeyUsage=clientAuth\n' >"$ext"
    fi
    openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
      -extfile "$ext" -out "$pki/$name.crt" 2>/dev/null
  }
  issue apiserver "/CN=kube-apiserver" \
    "IP:$NODE_IP,IP:$API_SERVICE_IP,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  issue kubelet "/CN=$NODE_NAME" "IP:$NODE_IP,DNS:$NODE_NAME"
  # The API server's identity towards the kubelet (logs, exec, port-forward): a superuser, as kubeadm's is.
  issue apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/service-account.key" 2>/dev/null
  openssl pkey -in "$pki/service-account.key" -pubout -out "$pki/service-account.pub" 2>/dev/null
  chmod 600 "$pki"/*.key
}

# Static bearer tokens, one identity each: what a kubeadm cluster gives each component as a client certificate.
make_credentials() {
  mkdir -p "$STATE/kubeconfig"
  : >"$STATE/tokens.csv"
  chmod 600 "$STATE/tokens.csv"
  local identity user groups token
  while IFS='|' read -r identity user groups; do
    token=$(openssl rand -hex 24)
    echo "$token,$user,$user,\"$groups\"" >>"$STATE/tokens.csv"
    cat >"$STATE/kubeconfig/$identity" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://$NODE_IP:6443
    certificate-authority: $STATE/pki/ca.crt
users:
- name: $identity
  user:
    token: $token
contexts:
- name: local
  context: {cluster: local, user: $identity}
current-context: local
EOF
    chmod 600 "$STATE/kubeconfig/$identity"
  done <<EOF
admin|admin|system:masters
kubelet|system:node:$NODE_NAME|system:nodes
controller-manager|system:kube-controller-manager|
scheduler|system:kube-scheduler|
kube-proxy|system:kube-proxy|
kube-router|kube-router|
EOF
}

# --- the node's network -------------------------------------------------------------------------------------

make_network() {
  ip netns add "$NETNS"
  ip -n "$NETNS" link set lo up
  # No `dummy` link type in this kernel: the node address sits on one end of a veth pair whose other end stays
  # in the namespace too. No default route: an image pull or a stray packet fails at once.
  ip -n "$NETNS" link add node0 type veth peer name node0-peer
  ip -n "$NETNS" addr add "$NODE_IP/24" dev node0
  ip -n "$NETNS" link set node0-peer up
  ip -n "$NETNS" link set node0 up
  # Service addresses are answered by kube-proxy's DNAT; the route only lets the node's own packets reach it.
  ip -n "$NETNS" route add "$SERVICE_CIDR" dev node0 src "$NODE_IP"
  # Per-namespace settings: the host's ip_forward stays 0.
  in_ns sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
  mkdir -p "$STATE/cni/net.d" "$STATE/cni/ipam"
  cat >"$STATE/cni/net.d/10-bridge.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "pods",
  "plugins": [
    {
      "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": { "type": "host-local", "dataDir": "$STATE/cni/ipam",
                "ranges": [[{ "subnet": "$POD_CIDR" }]], "routes": [{ "dst": "0.0.0.0/0" }] }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
}

# --- programs -----------------------------------------------------------------------------------------------

start_etcd() {
  start_daemon etcd "$ETCD" --name=node0 --data-dir="$STATE/etcd" \
    --listen-client-urls=http://127.0.0.1:2379 --advertise-client-urls=http://127.0.0.1:2379 \
    --listen-peer-urls=http://127.0.0.1:2380 --initial-advertise-peer-urls=http://127.0.0.1:2380 \
    --initial-cluster=node0=http://127.0.0.1:2380 --logger=zap --log-level=warn
  wait_for "etcd" etcd in_ns curl -fsS http://127.0.0.1:2379/health
}

api_ready() { in_ns curl -fsS --cacert "$STATE/pki/ca.crt" -H "Authorization: Bearer $(admin_token)" "https://$NODE_IP:6443/readyz"; }
admin_token() { awk -F, '$2 == "admin" { print $1 }' "$STATE/tokens.csv"; }

start_control_plane() {
  local pki=$STATE/pki
  start_daemon kube-apiserver "$K8S_BIN/kube-apiserver" \
    --etcd-servers=http://127.0.0.1:2379 \
    --advertise-address="$NODE_IP" --bind-address="$NODE_IP" --secure-port=6443 \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" \
    --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" --kubelet-client-key="$pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$pki/ca.crt" --kubelet-preferred-address-types=InternalIP \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --anonymous-auth=false --token-auth-file="$STATE/tokens.csv" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/service-account.pub" --service-account-signing-key-file="$pki/service-account.key" \
    --profiling=false
  wait_for "kube-apiserver /readyz" kube-apiserver api_ready

  start_daemon kube-controller-manager "$K8S_BIN/kube-controller-manager" \
    --kubeconfig="$STATE/kubeconfig/controller-manager" \
    --authentication-kubeconfig="$STATE/kubeconfig/controller-manager" --authorization-kubeconfig="$STATE/kubeconfig/controller-manager" \
    --use-service-account-credentials=true --root-ca-file="$pki/ca.crt" \
    --service-cluster-ip-range="$SERVICE_CIDR" --cluster-cidr="$POD_CIDR" \
    --leader-elect=false --bind-address=127.0.0.1 --profiling=false
  start_daemon kube-scheduler "$K8S_BIN/kube-scheduler" \
    --kubeconfig="$STATE/kubeconfig/scheduler" \
    --authentication-kubeconfig="$STATE/kubeconfig/scheduler" --authorization-kubeconfig="$STATE/kubeconfig/scheduler" \
    --leader-elect=false --bind-address=127.0.0.1 --profiling=false
}

start_containerd() {
  local dir=$STATE/containerd
  mkdir -p "$dir/certs.d/_default"
  # containerd 1.6 refuses a hosts.toml holding only `server` (then falls back to docker.io): a host table
  # pointing at a closed loopback port makes every pull fail at once, whatever the image's registry.
  cat >"$dir/certs.d/_default/hosts.toml" <<EOF
server = "https://127.0.0.1:1"
[host."https://127.0.0.1:1"]
  capabilities = ["pull", "resolve"]
EOF
  cat >"$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
[grpc]
  address = "$dir/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$IMAGE_PAUSE"
  # Root here lacks CAP_SYS_RESOURCE: runc may not lower oom_score_adj below containerd's own.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$dir/certs.d"
EOF
  start_daemon containerd containerd --config "$dir/config.toml"
  wait_for "containerd" containerd ctr --address "$dir/containerd.sock" version
  local image
  for image in "$IMAGES_DIR"/*.tar; do
    ctr --address "$dir/containerd.sock" -n k8s.io images import --no-unpack=false "$image" >/dev/null
  done
}

start_node() {
  local pki=$STATE/pki
  mkdir -p "$STATE/kubelet" "$STATE/pod-logs"
  cat >"$STATE/kubelet-config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $pki/kubelet.crt
tlsPrivateKeyFile: $pki/kubelet.key
address: $NODE_IP
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
clusterDomain: cluster.local
clusterDNS: [$DNS_SERVICE_IP]
resolvConf: ""
containerRuntimeEndpoint: unix://$STATE/containerd/containerd.sock
# These VMs mount cgroup v1 (hybrid); containerd 1.6 cannot tell the kubelet its driver.
failCgroupV1: false
cgroupDriver: cgroupfs
# No CAP_SYS_RESOURCE: the kubelet may not lower its own oom_score_adj.
oomScoreAdj: 0
failSwapOn: false
podLogsDir: $STATE/pod-logs
serializeImagePulls: false
# A test node on a shared disk: evict only when it is really full.
evictionHard: {memory.available: 100Mi, nodefs.available: 2%, imagefs.available: 2%, nodefs.inodesFree: 2%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOF
  start_daemon kubelet "$K8S_BIN/kubelet" --config="$STATE/kubelet-config.yaml" \
    --kubeconfig="$STATE/kubeconfig/kubelet" --root-dir="$STATE/kubelet" --cert-dir="$STATE/kubelet/pki" \
    --hostname-override="$NODE_NAME" --node-ip="$NODE_IP"
  wait_for "node $NODE_NAME Ready" kubelet node_ready

  cat >"$STATE/kube-proxy-config.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $STATE/kubeconfig/kube-proxy}
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
oomScoreAdj: 0
# Host-wide conntrack settings stay as they are (0: leave alone).
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  start_daemon kube-proxy "$K8S_BIN/kube-proxy" --config="$STATE/kube-proxy-config.yaml"
  wait_for "kube-proxy healthz" kube-proxy in_ns curl -fsS http://127.0.0.1:10256/healthz
}

node_ready() {
  [ "$(kubectl_admin get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

# kube-router's firewall alone (no BGP router, no service proxy): the NetworkPolicy engine. kube-network-policies,
# the one kind ships, needs the nftables `queue` expression, which this kernel lacks (tools/cluster/README.md).
start_network_policies() {
  kubectl_admin apply -f "$here/manifests/netpol-rbac.yaml" >/dev/null
  start_daemon network-policies "$NETPOL" --kubeconfig="$STATE/kubeconfig/kube-router" \
    --run-firewall=true --run-router=false --run-service-proxy=false \
    --hostname-override="$NODE_NAME" --service-cluster-ip-range="$SERVICE_CIDR" \
    --health-port=20244 --metrics-port=0 --v=1
  wait_for "kube-router's firewall" network-policies in_ns curl -fsS http://127.0.0.1:20244/healthz
}

# The Prometheus Operator's CRDs at the version cdk8s.yaml imports (ServiceMonitor, PrometheusRule, ...), from the
# Go module proxy: the cluster is one a user with the Operator has, so `kubectl apply -f dist/k8s/monitoring`
# works as the README says. Server-side: the largest CRDs exceed client-side apply's annotation limit.
install_operator_crds() {
  local version dir
  version=$(sed -n 's|.*prometheus-operator/prometheus-operator/\(v[0-9.]*\)/.*|\1|p' "$repo/cdk8s.yaml" | head -1)
  [ -n "$version" ] || die "no prometheus-operator version in cdk8s.yaml"
  dir=$(GOWORK=off go mod download -json "github.com/prometheus-operator/prometheus-operator@$version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir/example/prometheus-operator-crd" ] || die "no CRDs in github.com/prometheus-operator/prometheus-operator@$version"
  kubectl_admin apply --server-side -f "$dir/example/prometheus-operator-crd" >/dev/null
  wait_for "the Operator's CRDs established" "" crds_established
}

crds_established() {
  ! kubectl_admin get crd -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Established")].status}{"\n"}{end}' | grep -qv '^True$'
}

start_addons() {
  install_operator_crds
  kubectl_admin apply -f "$here/manifests" >/dev/null
  local ns
  for ns in kube-system alert-sink; do
    kubectl_admin -n "$ns" rollout status deployment --timeout="${READY_SECONDS}s" >/dev/null
  done
}

# --- commands -----------------------------------------------------------------------------------------------

load_binaries() {
  [ "$(id -u)" = 0 ] || die "needs root (network namespaces, containerd, the kubelet)"
  K8S_BIN="$("$repo/tools/kubernetes/install.sh" --bin-dir)"
  local b
  for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
    [ -x "$K8S_BIN/$b" ] || die "$K8S_BIN/$b is missing: run tools/kubernetes/install.sh"
  done
  export PATH="$PATH:/usr/local/go/bin"
  for b in go etcd containerd containerd-shim-runc-v2 runc ctr openssl curl conntrack iptables ipset; do
    command -v "$b" >/dev/null || die "$b is missing: run tools/install-all.sh (or apt-get install etcd-server containerd runc containernetworking-plugins iptables ipset conntrack openssl curl)"
  done
  [ -x /usr/lib/cni/bridge ] || die "/usr/lib/cni/bridge is missing: apt-get install containernetworking-plugins"
  ETCD="$(command -v etcd)"
  # COREDNS, KUBE_STATE_METRICS, NETPOL, IMAGES_DIR, IMAGE_PAUSE, ...
  local tools
  tools="$(bash "$here/install.sh")" || die "tools/cluster/install.sh failed"
  eval "$tools"
}

up() {
  load_binaries
  [ ! -e "/run/netns/$NETNS" ] || down
  rm -rf "$STATE"
  mkdir -p "$STATE/log" "$STATE/pid"
  local start=$SECONDS
  make_pki
  make_credentials
  make_network
  start_etcd
  start_control_plane
  start_containerd
  start_node
  start_network_policies
  start_addons
  log "up in $((SECONDS - start)) s: $(kubectl_bin) --kubeconfig $STATE/kubeconfig/admin, inside 'nsenter --net=/run/netns/$NETNS'"
}

# Stops every program, kills what the containers left (by their cgroups), unmounts what the kubelet and
# containerd mounted under the state folder, removes the namespace and the folder. Safe to run twice.
down() {
  local name pid
  for name in network-policies kube-proxy kubelet kube-scheduler kube-controller-manager kube-apiserver etcd; do
    [ -f "$STATE/pid/$name" ] || continue
    pid=$(cat "$STATE/pid/$name")
    kill "$pid" 2>/dev/null || true
  done
  kill_cgroup_processes
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $STATE/containerd/containerd.sock" || true); do kill -9 "$pid" 2>/dev/null || true; done
  [ -f "$STATE/pid/containerd" ] && kill "$(cat "$STATE/pid/containerd")" 2>/dev/null || true
  for name in network-policies kube-proxy kubelet kube-scheduler kube-controller-manager kube-apiserver etcd containerd; do
    [ -f "$STATE/pid/$name" ] || continue
    pid=$(cat "$STATE/pid/$name")
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  kill_cgroup_processes
  local mount
  while read -r mount; do umount -l "$mount" 2>/dev/null || true; done < <(awk -v s="$STATE" 'index($2, s) == 1 { print $2 }' /proc/mounts | sort -r)
  # Pod sandboxes' namespaces that containerd did not get to remove.
  for mount in /run/netns/cni-*; do
    [ -e "$mount" ] || continue
    umount "$mount" 2>/dev/null || true
    rm -f "$mount"
  done
  remove_pod_cgroups
  [ ! -e "/run/netns/$NETNS" ] || ip netns del "$NETNS"
  rm -rf "$STATE"
}

kill_cgroup_processes() {
  local procs
  for procs in $(find /sys/fs/cgroup/pids/kubepods /sys/fs/cgroup/pids/kubepods.slice -name cgroup.procs 2>/dev/null); do
    xargs -r kill -9 <"$procs" 2>/dev/null || true
  done
}

remove_pod_cgroups() {
  local controller dir
  for controller in /sys/fs/cgroup/*/; do
    [ -d "$controller/kubepods" ] || continue
    find "$controller/kubepods" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) [ -e "/run/netns/$NETNS" ] && api_ready >/dev/null ;;
  kubectl) shift; kubectl_admin "$@" ;;
  run) shift; in_ns "$@" ;;
  env)
    echo "NETNS=$NETNS"
    echo "KUBECONFIG=$STATE/kubeconfig/admin"
    echo "KUBECTL=$(kubectl_bin)"
    echo "STATE_DIR=$STATE"
    echo "NODE_IP=$NODE_IP"
    ;;
  *) echo "usage: $0 up|down|status|kubectl ARGS...|run COMMAND...|env" >&2; exit 2 ;;
esac
