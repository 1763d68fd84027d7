"""The run loop: a wave's systems through their steps in playbook runs, the word to the hosts between the steps,
each step begun and ended in the run log, the cluster's part beside the playbook, and the lease on the wave."""
