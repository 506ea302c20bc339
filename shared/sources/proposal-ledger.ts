/**
 * Which head each proposal branch had when this app last wrote it, kept where the config repository's
 * writers cannot reach (the app's own storage). A proposal branch is built on only while its head is the one
 * recorded here: then every commit on it since its merge base with the base branch is the app's own (it only
 * ever builds on the base, or on a head it recorded). Anything else (a branch someone pre-seeded, a commit
 * pushed on top of the app's, a force push) is rebuilt from the base, so no one's commits hide under the
 * app's pull request title.
 */
export interface ProposalLedger {
  /** The head this app last wrote to `branch`, or undefined. */
  head(branch: string): Promise<string | undefined>;
  record(branch: string, head: string): Promise<void>;
}

/** The ledger of one process (the local host, tests): after a restart, existing proposal branches are rebuilt. */
export class MemoryProposalLedger implements ProposalLedger {
  private readonly heads = new Map<string, string>();

  async head(branch: string): Promise<string | undefined> {
    return this.heads.get(branch);
  }

  async record(branch: string, head: string): Promise<void> {
    this.heads.set(branch, head);
  }
}
