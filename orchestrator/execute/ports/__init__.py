"""The executor's ports to the world: the playbook runner (ansible-runner, here or on an execution node), the
manifest applier (Kubernetes), the health gate (HTTP), and the rendered inventory it reads its systems from."""
