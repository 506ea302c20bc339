/**
 * Commit messages as Flux v1 wrote them for automated releases (`pkg/update/automated.go`
 * `CommitMessage`, flux-v1-semantics §6.2).
 */

/**
 * The message for the images written, as spelled in git (deduplicated, sorted by code unit as Go's
 * `sort.Strings` does):
 *
 * - one image → `Auto-release <image>` (no trailing newline), e.g.
 *   `Auto-release radixdev.azurecr.io/radix-operator:master-flux-test-3`;
 * - several → `Auto-release multiple (N) images`, a blank line, then ` - <image>\n` per image
 *   (the 2020+ form; 2019 Flux wrote `Auto-release multiple images`);
 * - none → `Auto-release (no images)\n` (callers with nothing to commit do not commit).
 */
export function autoReleaseMessage(images: readonly string[]): string {
  const unique = [...new Set(images)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (unique.length === 0) return 'Auto-release (no images)\n';
  if (unique.length === 1) return `Auto-release ${unique[0]}`;
  return `Auto-release multiple (${unique.length}) images\n\n${unique.map((i) => ` - ${i}\n`).join('')}`;
}
