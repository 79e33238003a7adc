"""``kubectl describe`` against the layout of kubectl v1.32's describers (pkg/describe/describe.go)
and the pages observed from the real kubectl in ../shared/reference/kubectl-formats.md §3.

The objects come from the engine itself (minikube start, create deployment, the kubelet's pace), so
generated parts (pod names, IDs, times) are read from the stored objects; everything else is
literal, spacing included.
"""

import subprocess
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cluster_engine.api.http import serve
from cluster_engine.clock import FakeClock
from cluster_engine.printers.describe import (PrefixWriter, Quantity, describe_pod,
                                               write_annotations)
from cluster_engine.printers.describe_generic import smart_label
from cluster_engine.resources import resolve
from cluster_engine.sandbox import LocalBackend, Sandbox
from cluster_engine.state import SandboxState

from tool_sandbox import Machine

V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"
V10 = "gcr.io/google-samples/kubernetes-bootcamp:v10"
NAME = "kubernetes-bootcamp"
#: A seed whose events within one second happen to be stored in the order they were recorded
#: (event names carry random sub-second digits; see the report on events.py).
SEED = 10


def stored(machine: Machine, resource: str, namespace: str | None = "default") -> list[dict]:
    bucket = machine.state().objects.get(resolve(resource).qualified_name, {})
    return [obj for key, obj in sorted(bucket.items())
            if namespace is None or key.startswith(f"{namespace}/")]


def settle(machine: Machine, seconds: float) -> None:
    """Let the cluster run for a while; a command makes the controllers catch up."""
    machine.clock.advance(seconds)
    machine.sh("kubectl get pods")


def epoch(timestamp: str) -> int:
    moment = datetime.strptime(timestamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


def now_of(machine: Machine) -> int:
    return int(machine.clock.now())


def rfc1123(timestamp: str) -> str:
    moment = datetime.fromtimestamp(epoch(timestamp), tz=timezone.utc)
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


@pytest.fixture
def bootcamp() -> Machine:
    """The tutorial's first deployment, a minute after ``kubectl create deployment``."""
    machine = Machine(seed=SEED)
    assert machine.sh("minikube start").status == 0
    assert machine.sh(f"kubectl create deployment {NAME} --image={V1}").status == 0
    settle(machine, 60)
    return machine


# -- pods ------------------------------------------------------------------------------------------
def test_it_describes_a_running_bootcamp_pod_as_kubectl_does(bootcamp):
    pod = stored(bootcamp, "pods")[0]
    name, status = pod["metadata"]["name"], pod["status"]["containerStatuses"][0]
    rs = pod["metadata"]["ownerReferences"][0]["name"]
    volume = pod["spec"]["volumes"][0]["name"]
    pulled = next(event for event in stored(bootcamp, "events")
                  if event["involvedObject"]["name"] == name and event["reason"] == "Pulled")
    pulled_age = f"{now_of(bootcamp) - epoch(pulled['firstTimestamp'])}s"
    result = bootcamp.sh(f"kubectl describe pod {name}")
    assert (result.status, result.stderr) == (0, "")
    assert result.stdout == f"""\
Name:             {name}
Namespace:        default
Priority:         0
Service Account:  default
Node:             minikube/192.168.49.2
Start Time:       {rfc1123(pod["status"]["startTime"])}
Labels:           app=kubernetes-bootcamp
                  pod-template-hash={pod["metadata"]["labels"]["pod-template-hash"]}
Annotations:      <none>
Status:           Running
IP:               {pod["status"]["podIP"]}
IPs:
  IP:           {pod["status"]["podIP"]}
Controlled By:  ReplicaSet/{rs}
Containers:
  kubernetes-bootcamp:
    Container ID:   {status["containerID"]}
    Image:          {V1}
    Image ID:       {status["imageID"]}
    Port:           <none>
    Host Port:      <none>
    State:          Running
      Started:      {rfc1123(status["state"]["running"]["startedAt"])}
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from {volume} (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       True 
  ContainersReady             True 
  PodScheduled                True 
Volumes:
  {volume}:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  60s   default-scheduler  Successfully assigned default/{name} to minikube
  Normal  Pulling    59s   kubelet            Pulling image "{V1}"
  Normal  Pulled     {pulled_age:<6}kubelet            {pulled["message"]}
  Normal  Created    57s   kubelet            Created container kubernetes-bootcamp
  Normal  Started    57s   kubelet            Started container kubernetes-bootcamp
"""


def test_it_shows_a_failing_pull_as_waiting_with_counted_repeats(bootcamp):
    bootcamp.sh("kubectl create deployment bad --image=" + V10)
    settle(bootcamp, 100)
    pod = next(p for p in stored(bootcamp, "pods") if p["metadata"]["name"].startswith("bad-"))
    name = pod["metadata"]["name"]
    result = bootcamp.sh(f"kubectl describe pod {name}")
    assert result.status == 0
    page = result.stdout
    assert "Status:           Pending\n" in page
    assert ("    Container ID:   \n"
            f"    Image:          {V10}\n"
            "    Image ID:       \n"
            "    Port:           <none>\n"
            "    Host Port:      <none>\n"
            "    State:          Waiting\n"
            "      Reason:       ImagePullBackOff\n"
            "    Ready:          False\n"
            "    Restart Count:  0\n") in page
    assert "  Ready                       False \n  ContainersReady             False \n" in page
    events = page.split("Events:\n", 1)[1].splitlines()
    assert events[0] == "  Type     Reason     Age                From               Message"
    assert events[1] == "  ----     ------     ----               ----               -------"
    assert events[2] == (f"  Normal   Scheduled  100s               default-scheduler  "
                         f"Successfully assigned default/{name} to minikube")
    assert f'  Normal   Pulling    28s (x4 over 99s)  kubelet            Pulling image "{V10}"' in events
    assert "  Warning  Failed     28s (x4 over 99s)  kubelet            Error: ErrImagePull" in events
    assert "  Warning  Failed     27s (x4 over 98s)  kubelet            Error: ImagePullBackOff" in events
    assert (f'  Normal   BackOff    27s (x4 over 98s)  kubelet            '
            f'Back-off pulling image "{V10}"') in events


def test_an_unscheduled_pod_has_no_node_and_an_empty_ip():
    pod = {"metadata": {"name": "p", "namespace": "default"},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]},
           "status": {"phase": "Pending", "qosClass": "BestEffort"}}
    page = describe_pod(pod, [], 0.0)
    assert page == """\
Name:         p
Namespace:    default
Node:         <none>
Labels:       <none>
Annotations:  <none>
Status:       Pending
IP:           
IPs:          <none>
Containers:
  c:
    Image:        nginx
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:       <none>
Volumes:          <none>
QoS Class:        BestEffort
Node-Selectors:   <none>
Tolerations:      <none>
Events:           <none>
"""


# -- workloads -------------------------------------------------------------------------------------
def test_it_describes_the_deployment_with_its_new_replica_set(bootcamp):
    deployment = stored(bootcamp, "deployments")[0]
    rs = stored(bootcamp, "replicasets")[0]["metadata"]["name"]
    result = bootcamp.sh("kubectl describe deployment")
    assert result.stdout == f"""\
Name:                   kubernetes-bootcamp
Namespace:              default
CreationTimestamp:      {rfc1123(deployment["metadata"]["creationTimestamp"])}
Labels:                 app=kubernetes-bootcamp
Annotations:            deployment.kubernetes.io/revision: 1
Selector:               app=kubernetes-bootcamp
Replicas:               1 desired | 1 updated | 1 total | 1 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=kubernetes-bootcamp
  Containers:
   kubernetes-bootcamp:
    Image:         {V1}
    Port:          <none>
    Host Port:     <none>
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   {rs} (1/1 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  60s   deployment-controller  Scaled up replica set {rs} from 0 to 1
"""


def test_after_a_rollout_the_old_replica_sets_are_listed_with_their_sizes(bootcamp):
    old = stored(bootcamp, "replicasets")[0]["metadata"]["name"]
    bootcamp.sh(f"kubectl set image deployments/{NAME} {NAME}=docker.io/jocatalin/kubernetes-bootcamp:v2")
    settle(bootcamp, 120)
    new = next(rs["metadata"]["name"] for rs in stored(bootcamp, "replicasets")
               if rs["metadata"]["name"] != old)
    page = bootcamp.sh(f"kubectl describe deployments/{NAME}").stdout
    assert "Annotations:            deployment.kubernetes.io/revision: 2\n" in page
    assert ("  Progressing    True    NewReplicaSetAvailable\n"
            f"OldReplicaSets:  {old} (0/0 replicas created)\n"
            f"NewReplicaSet:   {new} (1/1 replicas created)\n") in page
    assert f"deployment-controller  Scaled up replica set {new} from 0 to 1\n" in page
    assert f"deployment-controller  Scaled down replica set {old} from 1 to 0\n" in page


def test_it_describes_a_replica_set_with_its_owner_and_pod_counts(bootcamp):
    rs = stored(bootcamp, "replicasets")[0]
    pod = stored(bootcamp, "pods")[0]["metadata"]["name"]
    rs_name, template_hash = rs["metadata"]["name"], rs["metadata"]["labels"]["pod-template-hash"]
    assert bootcamp.sh(f"kubectl describe rs/{rs_name}").stdout == f"""\
Name:           {rs_name}
Namespace:      default
Selector:       app=kubernetes-bootcamp,pod-template-hash={template_hash}
Labels:         app=kubernetes-bootcamp
                pod-template-hash={template_hash}
Annotations:    deployment.kubernetes.io/desired-replicas: 1
                deployment.kubernetes.io/max-replicas: 2
                deployment.kubernetes.io/revision: 1
Controlled By:  Deployment/kubernetes-bootcamp
Replicas:       1 current / 1 desired
Pods Status:    1 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=kubernetes-bootcamp
           pod-template-hash={template_hash}
  Containers:
   kubernetes-bootcamp:
    Image:         {V1}
    Port:          <none>
    Host Port:     <none>
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:
  Type    Reason            Age   From                   Message
  ----    ------            ----  ----                   -------
  Normal  SuccessfulCreate  60s   replicaset-controller  Created pod: {pod}
"""


# -- services and endpoints ------------------------------------------------------------------------
def test_it_describes_the_node_port_service_with_its_endpoints(bootcamp):
    bootcamp.sh(f"kubectl expose deployment/{NAME} --type=NodePort --port 8080")
    settle(bootcamp, 1)
    service = next(s for s in stored(bootcamp, "services") if s["metadata"]["name"] == NAME)
    ip, node_port = service["spec"]["clusterIP"], service["spec"]["ports"][0]["nodePort"]
    pod_ip = stored(bootcamp, "pods")[0]["status"]["podIP"]
    assert bootcamp.sh(f"kubectl describe services/{NAME}").stdout == f"""\
Name:                     kubernetes-bootcamp
Namespace:                default
Labels:                   app=kubernetes-bootcamp
Annotations:              <none>
Selector:                 app=kubernetes-bootcamp
Type:                     NodePort
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       {ip}
IPs:                      {ip}
Port:                     <unset>  8080/TCP
TargetPort:               8080/TCP
NodePort:                 <unset>  {node_port}/TCP
Endpoints:                {pod_ip}:8080
Session Affinity:         None
External Traffic Policy:  Cluster
Internal Traffic Policy:  Cluster
Events:                   <none>
"""


def test_the_kubernetes_service_has_a_named_port_and_no_external_policy(started):
    assert started.sh("kubectl describe svc kubernetes").stdout == """\
Name:                     kubernetes
Namespace:                default
Labels:                   component=apiserver
                          provider=kubernetes
Annotations:              <none>
Selector:                 <none>
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.0.1
IPs:                      10.96.0.1
Port:                     https  443/TCP
TargetPort:               8443/TCP
Endpoints:                192.168.49.2:8443
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
"""


def test_it_describes_endpoints_subsets_with_a_port_table(started):
    assert started.sh("kubectl describe endpoints kubernetes").stdout == """\
Name:         kubernetes
Namespace:    default
Labels:       endpointslice.kubernetes.io/skip-mirror=true
Annotations:  <none>
Subsets:
  Addresses:          192.168.49.2
  NotReadyAddresses:  <none>
  Ports:
    Name   Port  Protocol
    ----   ----  --------
    https  8443  TCP

Events:  <none>
"""


# -- nodes -----------------------------------------------------------------------------------------
def test_it_describes_the_minikube_node_with_its_pods_and_allocations(bootcamp):
    node = stored(bootcamp, "nodes", namespace=None)[0]
    page = bootcamp.sh("kubectl describe node minikube").stdout
    info = node["status"]["nodeInfo"]
    assert page.startswith("""\
Name:               minikube
Roles:              control-plane
Labels:             beta.kubernetes.io/arch=amd64
                    beta.kubernetes.io/os=linux
                    kubernetes.io/arch=amd64
                    kubernetes.io/hostname=minikube
                    kubernetes.io/os=linux
                    minikube.k8s.io/commit=dd5d320e41b5451cdf3c01891bc4e13d189586ed
                    minikube.k8s.io/name=minikube
                    minikube.k8s.io/primary=true
""")
    assert ("""\
                    node-role.kubernetes.io/control-plane=
                    node.kubernetes.io/exclude-from-external-load-balancers=
Annotations:        kubeadm.alpha.kubernetes.io/cri-socket: unix:///var/run/cri-dockerd.sock
                    node.alpha.kubernetes.io/ttl: 0
                    volumes.kubernetes.io/controller-managed-attach-detach: true
""" f"""CreationTimestamp:  {rfc1123(node["metadata"]["creationTimestamp"])}
Taints:             <none>
Unschedulable:      false
Lease:
  HolderIdentity:  minikube
  AcquireTime:     <unset>
""") in page
    assert ("""\
Conditions:
  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
  ----             ------  -----------------                 ------------------                ------                       -------
  MemoryPressure   False   """) in page
    assert "   KubeletReady                 kubelet is posting ready status\n" in page
    assert f"""\
Addresses:
  InternalIP:  192.168.49.2
  Hostname:    minikube
Capacity:
  cpu:                8
  ephemeral-storage:  102625208Ki
  hugepages-1Gi:      0
  hugepages-2Mi:      0
  memory:             16283804Ki
  pods:               110
Allocatable:
  cpu:                8
  ephemeral-storage:  102625208Ki
  hugepages-1Gi:      0
  hugepages-2Mi:      0
  memory:             16283804Ki
  pods:               110
System Info:
  Machine ID:                 {info["machineID"]}
  System UUID:                {info["systemUUID"]}
  Boot ID:                    {info["bootID"]}
  Kernel Version:             5.15.0-1057-gcp
  OS Image:                   Ubuntu 22.04.5 LTS
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  docker://27.4.1
  Kubelet Version:            v1.32.0
  Kube-Proxy Version:         v1.32.0
PodCIDR:                      10.244.0.0/24
PodCIDRs:                     10.244.0.0/24
Non-terminated Pods:          (8 in total)
  Namespace                   Name                                    CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----                                    ------------  ----------  ---------------  -------------  ---
""" in page
    assert "  kube-system                 etcd-minikube                           100m (1%)     0 (0%)      100Mi (0%)       0 (0%)  " in page
    assert """\
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests    Limits
  --------           --------    ------
  cpu                750m (9%)   0 (0%)
  memory             170Mi (1%)  170Mi (1%)
  ephemeral-storage  0 (0%)      0 (0%)
  hugepages-1Gi      0 (0%)      0 (0%)
  hugepages-2Mi      0 (0%)      0 (0%)
Events:
  Type    Reason                   Age   From             Message
  ----    ------                   ----  ----             -------
""" in page
    assert "  Normal  RegisteredNode           " in page
    assert "node-controller  Node minikube event: Registered Node minikube in Controller\n" in page


# -- config, secrets, namespaces -------------------------------------------------------------------
def test_it_describes_a_namespace_without_quotas(started):
    assert started.sh("kubectl describe namespace default").stdout == """\
Name:         default
Labels:       kubernetes.io/metadata.name=default
Annotations:  <none>
Status:       Active

No resource quota.

No LimitRange resource.
"""


def test_it_describes_a_config_map_with_data_and_binary_data_sections(started):
    started.sh("kubectl create configmap settings --from-literal=color=blue")
    assert started.sh("kubectl describe cm settings").stdout == """\
Name:         settings
Namespace:    default
Labels:       <none>
Annotations:  <none>

Data
====
color:
----
blue


BinaryData
====

Events:  <none>
"""


def test_it_describes_a_secret_by_the_size_of_its_values(started):
    started.sh("kubectl create secret generic my-secret --from-literal=password=s3cr3t "
               "--from-literal=user=admin")
    assert started.sh("kubectl describe secret my-secret").stdout == """\
Name:         my-secret
Namespace:    default
Labels:       <none>
Annotations:  <none>

Type:  Opaque

Data
====
password:  6 bytes
user:      5 bytes
"""


def test_a_long_annotation_goes_on_its_own_lines_cut_at_138_characters():
    w = PrefixWriter()
    write_annotations(w, "Annotations", {"a": "x" * 200, "b": "short"})
    assert w.text() == ("Annotations:  a:\n"
                        "                " + "x" * 138 + "...\n"
                        "              b: short\n")


def test_quantities_print_in_their_canonical_form():
    assert str(Quantity.parse("100m") + Quantity.parse("650m")) == "750m"
    assert str(Quantity.parse("70Mi") + Quantity.parse("100Mi")) == "170Mi"
    assert str(Quantity.parse("16283804Ki")) == "16283804Ki"
    assert str(Quantity.parse("1000m")) == "1"
    assert str(Quantity.parse("2000")) == "2k"
    assert str(Quantity()) == "0"


# -- forms of the command --------------------------------------------------------------------------
def test_several_pages_are_separated_by_two_empty_lines(bootcamp):
    bootcamp.sh(f"kubectl scale deployment/{NAME} --replicas=2")
    settle(bootcamp, 30)
    pods = [p["metadata"]["name"] for p in stored(bootcamp, "pods")]
    output = bootcamp.sh("kubectl describe pods").stdout
    pages = output.split("\n\n\nName:")
    assert len(pages) == 2 and output.startswith(f"Name:             {pods[0]}\n")
    assert pages[1].startswith(f"             {pods[1]}\n")
    assert output == bootcamp.sh("kubectl describe po -l app=kubernetes-bootcamp").stdout


def test_a_name_that_is_only_a_prefix_describes_every_match_each_followed_by_a_blank_line(bootcamp):
    single = bootcamp.sh("kubectl describe pods").stdout
    result = bootcamp.sh(f"kubectl describe pods {NAME}")
    assert (result.status, result.stderr) == (0, "")
    assert result.stdout == single + "\n"


def test_the_slash_form_does_not_fall_back_to_prefixes(bootcamp):
    result = bootcamp.sh(f"kubectl describe pods/{NAME}")
    assert (result.status, result.stdout) == (1, "")
    assert result.stderr == f'Error from server (NotFound): pods "{NAME}" not found\n'


def test_missing_objects_and_empty_lists_get_kubectls_messages(started):
    assert started.sh("kubectl describe pod nothere").stderr == \
        'Error from server (NotFound): pods "nothere" not found\n'
    assert started.sh("kubectl describe deployment nothere").stderr == \
        'Error from server (NotFound): deployments.apps "nothere" not found\n'
    empty = started.sh("kubectl describe pods")
    assert (empty.status, empty.stdout, empty.stderr) == (
        0, "", "No resources found in default namespace.\n")
    assert started.sh("kubectl describe pods -n nowhere").stderr == \
        "No resources found in nowhere namespace.\n"
    assert started.sh("kubectl describe foo").stderr == \
        'error: the server doesn\'t have a resource type "foo"\n'
    assert started.sh("kubectl describe").stderr == (
        'error: You must specify the type of resource to describe. Use "kubectl api-resources" '
        "for a complete list of supported resources.\n")


def test_namespaces_are_chosen_with_n_and_all_with_a(started):
    page = started.sh("kubectl describe pod etcd-minikube -n kube-system").stdout
    assert page.startswith("Name:                 etcd-minikube\nNamespace:            kube-system\n")
    everything = started.sh("kubectl describe pods -A").stdout
    assert everything.count("\n\n\nName:") == len(stored(started, "pods", None)) - 1


def test_show_events_false_leaves_the_events_out(bootcamp):
    page = bootcamp.sh("kubectl describe deployment --show-events=false").stdout
    assert page.endswith("NewReplicaSet:   " + stored(bootcamp, "replicasets")[0]["metadata"]["name"]
                         + " (1/1 replicas created)\n")


# -- the real kubectl as the judge -----------------------------------------------------------------
REAL_KUBECTL = Path("/usr/bin/kubectl")


def _at_a_whole_second() -> int:
    """A whole second of wall-clock time with most of it still ahead, so a real kubectl started
    now computes the same ages as the simulation frozen at that second."""
    while time.time() % 1 > 0.4:
        time.sleep(0.05)
    return int(time.time())


def _side_by_side(state_json: str, argv: list[str]) -> tuple[tuple, tuple]:
    state = SandboxState.from_json(state_json)
    state.now = _at_a_whole_second()
    frozen = state.to_json()
    server = serve(frozen, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        real = subprocess.run(
            [str(REAL_KUBECTL), "--server", f"http://127.0.0.1:{server.server_address[1]}", *argv],
            capture_output=True, text=True, timeout=60,
            env={"KUBECONFIG": "/dev/null", "HOME": "/nonexistent", "PATH": "/usr/bin:/bin"})
    finally:
        server.shutdown()
    ours = Machine()
    ours.backend = LocalBackend(SandboxState.from_json(frozen))
    ours.clock = FakeClock(state.now)
    ours.sandbox = Sandbox(ours.backend, ours.clock)
    ours.ctx.sandbox, ours.ctx.clock = ours.sandbox, ours.clock
    result = ours.run("kubectl", *argv)
    return (real.returncode, real.stdout, real.stderr), (result.status, result.stdout, result.stderr)


@pytest.mark.skipif(not REAL_KUBECTL.exists(), reason="needs the real kubectl v1.32")
def test_the_real_kubectl_prints_the_same_pages_for_the_same_cluster():
    machine = Machine(seed=SEED)
    start = int(time.time()) - 400
    machine.clock = FakeClock(start)
    machine.sandbox = Sandbox(machine.backend, machine.clock)
    machine.ctx.sandbox, machine.ctx.clock = machine.sandbox, machine.clock
    machine.sh("minikube start")
    machine.sh(f"kubectl create deployment {NAME} --image={V1}")
    settle(machine, 60)
    machine.sh(f"kubectl expose deployment/{NAME} --type=NodePort --port 8080")
    machine.sh(f"kubectl create deployment bad --image={V10}")
    settle(machine, 100)
    state_json = machine.backend.state_json
    for command in ("describe pods", "describe deployments", "describe rs", "describe svc",
                    "describe node minikube", "describe endpoints", f"describe pods {NAME}",
                    "describe pod nothere", "describe ds -n kube-system"):
        real, ours = _side_by_side(state_json, command.split())
        assert ours == real, command


def test_names_cannot_be_combined_with_a_selector_or_all_namespaces(started):
    assert started.sh("kubectl describe pods x -l app=y").stderr == (
        "error: name cannot be provided when a selector is specified\n")
    assert started.sh("kubectl describe pods x -A").stderr == (
        "error: a resource cannot be retrieved by name across all namespaces\n")


def test_without_a_cluster_describe_fails_like_kubectl_with_its_discovery_retries(machine):
    for command, attempts in (("describe pods", 5), ("describe pods/x", 4),
                              ("describe deploy,svc", 6)):
        result = machine.sh(f"kubectl {command}")
        lines = result.stderr.splitlines()
        assert result.status == 1 and result.stdout == ""
        assert lines[-1] == ("The connection to the server localhost:8080 was refused - did you "
                             "specify the right host or port?")
        assert len(lines) == attempts + 1, command


# -- the generic describer ------------------------------------------------------------------------
@pytest.mark.parametrize("field, label", [
    ("apiVersion", "API Version"), ("uid", "UID"), ("firstTimestamp", "First Timestamp"),
    ("reportingComponent", "Reporting Component"), ("holderIdentity", "Holder Identity"),
    ("podIP", "Pod IP"), ("ipv4", "ipv4"), ("kubernetes.io/x", "kubernetes.io/x"),
])
def test_the_generic_describer_labels_fields_as_kubectl_does(field, label):
    assert smart_label(field) == label


def test_a_lease_without_a_page_of_its_own_is_described_field_by_field(bootcamp):
    page = bootcamp.sh("kubectl describe lease minikube -n kube-node-lease").stdout
    lines = page.splitlines()
    assert lines[:4] == ["Name:         minikube", "Namespace:    kube-node-lease",
                         "Labels:       <none>", "Annotations:  <none>"]
    assert "API Version:  coordination.k8s.io/v1" in lines
    assert "  Holder Identity:         minikube" in lines
    assert "  Lease Duration Seconds:  40" in lines
