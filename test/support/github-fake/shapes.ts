/**
 * GitHub's JSON shapes (users, repositories, refs, commits, diff entries, trees, blobs, statuses),
 * with every field GitHub's OpenAPI description marks required. URLs point at the fake (`api`) and at `html`.
 */
import { createHash } from 'node:crypto';
import type { FakeRepo, StatusRecord } from './repo.ts';
import type { FileChange, GitCommit, GitPerson } from './git.ts';

/** Base URLs: the fake's API root and the HTML root used for `html_url`s (default `https://github.com`). */
export interface Bases { api: string; html: string }

/** A stable positive id for a name (users, nodes). */
export function stableId(text: string): number {
  return parseInt(createHash('sha1').update(text).digest('hex').slice(0, 7), 16) + 1000;
}

/** A GraphQL-style node id. */
export function nodeId(kind: string, key: string | number): string {
  return Buffer.from(`0:${kind}${key}`).toString('base64').replace(/=+$/, '');
}

/** Encodes each path segment for use in a URL. */
export function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

/** The `simple-user` shape for a login. */
export function simpleUser(b: Bases, login: string): Record<string, unknown> {
  const id = stableId(login);
  const u = `${b.api}/users/${login}`;
  return {
    login, id, node_id: nodeId('User', id), avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`, gravatar_id: '',
    url: u, html_url: `${b.html}/${login}`, followers_url: `${u}/followers`, following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`, starred_url: `${u}/starred{/owner}{/repo}`, subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`, repos_url: `${u}/repos`, events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`, type: 'User', user_view_type: 'public', site_admin: false,
  };
}

/** The login GitHub would link to a commit email (noreply addresses), or undefined. */
export function loginForEmail(email: string): string | undefined {
  const m = /^(?:\d+\+)?([A-Za-z0-9-]+(?:\[bot\])?)@users\.noreply\.github\.com$/.exec(email);
  return m?.[1];
}

/** The repository URL family (`minimal-repository`, `repository` and `full-repository` all at once). */
export function repositoryJson(b: Bases, repo: FakeRepo, defaultBranch: string): Record<string, unknown> {
  const api = `${b.api}/repos/${repo.fullName}`;
  const html = `${b.html}/${repo.fullName}`;
  const openIssues = repo.pulls.filter((p) => p.state === 'open').length;
  return {
    id: repo.id, node_id: nodeId('Repository', repo.id), name: repo.name, full_name: repo.fullName, private: false,
    owner: simpleUser(b, repo.owner), html_url: html, description: null, fork: false, url: api,
    forks_url: `${api}/forks`, keys_url: `${api}/keys{/key_id}`, collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`, hooks_url: `${api}/hooks`, issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`, assignees_url: `${api}/assignees{/user}`, branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`, blobs_url: `${api}/git/blobs{/sha}`, git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`, trees_url: `${api}/git/trees{/sha}`, statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`, stargazers_url: `${api}/stargazers`, contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`, subscription_url: `${api}/subscription`, commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`, comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`, contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`, merges_url: `${api}/merges`, archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`, issues_url: `${api}/issues{/number}`, pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`, notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`, releases_url: `${api}/releases{/id}`, deployments_url: `${api}/deployments`,
    created_at: repo.createdAt, updated_at: repo.pushedAt, pushed_at: repo.pushedAt,
    git_url: `git:${html.replace(/^https?:/, '')}.git`, ssh_url: `git@github.com:${repo.fullName}.git`, clone_url: `${html}.git`,
    svn_url: html, homepage: null, size: 0, stargazers_count: 0, watchers_count: 0, language: null,
    has_issues: true, has_projects: true, has_downloads: true, has_wiki: true, has_pages: false, has_discussions: false,
    forks_count: 0, mirror_url: null, archived: false, disabled: false, open_issues_count: openIssues, license: null,
    allow_forking: true, is_template: false, web_commit_signoff_required: false, topics: [], visibility: 'public',
    forks: 0, open_issues: openIssues, watchers: 0, default_branch: defaultBranch,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    network_count: 0, subscribers_count: 0,
  };
}

/** The `git-ref` shape. */
export function gitRefJson(b: Bases, repo: FakeRepo, ref: string, sha: string, type = 'commit'): Record<string, unknown> {
  const api = `${b.api}/repos/${repo.fullName}`;
  const kind = type === 'tag' ? 'tags' : type === 'tree' ? 'trees' : type === 'blob' ? 'blobs' : 'commits';
  return {
    ref, node_id: nodeId('Ref', `${repo.id}:${ref}`), url: `${api}/git/${encodePath(ref)}`,
    object: { sha, type, url: `${api}/git/${kind}/${sha}` },
  };
}

const UNSIGNED = { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null };

function person(p: GitPerson): Record<string, string> {
  return { name: p.name, email: p.email, date: p.date };
}

/** The `git-commit` shape (Git Data API). */
export function gitCommitJson(b: Bases, repo: FakeRepo, c: GitCommit): Record<string, unknown> {
  const api = `${b.api}/repos/${repo.fullName}`;
  const html = `${b.html}/${repo.fullName}`;
  return {
    sha: c.sha, node_id: nodeId('Commit', c.sha), url: `${api}/git/commits/${c.sha}`, html_url: `${html}/commit/${c.sha}`,
    author: person(c.author), committer: person(c.committer), tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
    message: c.message, parents: c.parents.map((p) => ({ sha: p, url: `${api}/git/commits/${p}`, html_url: `${html}/commit/${p}` })),
    verification: UNSIGNED,
  };
}

/** The `commit` shape (Commits API); `files` adds `files` and `stats`. */
export function commitJson(b: Bases, repo: FakeRepo, c: GitCommit, files?: FileChange[], fileCap = 300): Record<string, unknown> {
  const api = `${b.api}/repos/${repo.fullName}`;
  const html = `${b.html}/${repo.fullName}`;
  const user = (email: string): unknown => {
    const login = loginForEmail(email);
    return login ? simpleUser(b, login) : null;
  };
  const json: Record<string, unknown> = {
    sha: c.sha, node_id: nodeId('Commit', c.sha), url: `${api}/commits/${c.sha}`, html_url: `${html}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    commit: {
      author: person(c.author), committer: person(c.committer), message: c.message,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` }, url: `${api}/git/commits/${c.sha}`, comment_count: 0,
      verification: UNSIGNED,
    },
    author: user(c.author.email), committer: user(c.committer.email),
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${html}/commit/${p}` })),
  };
  if (files) {
    const additions = files.reduce((n, f) => n + f.additions, 0);
    const deletions = files.reduce((n, f) => n + f.deletions, 0);
    json['stats'] = { total: additions + deletions, additions, deletions };
    json['files'] = files.slice(0, fileCap).map((f) => diffEntryJson(b, repo, c.sha, f));
  }
  return json;
}

/** The `diff-entry` shape (no `patch`: the fake does not render diffs). */
export function diffEntryJson(b: Bases, repo: FakeRepo, commit: string, f: FileChange): Record<string, unknown> {
  const p = encodePath(f.path);
  return {
    sha: f.status === 'removed' ? f.oldSha : f.newSha, filename: f.path, status: f.status,
    additions: f.additions, deletions: f.deletions, changes: f.additions + f.deletions,
    blob_url: `${b.html}/${repo.fullName}/blob/${commit}/${p}`, raw_url: `${b.html}/${repo.fullName}/raw/${commit}/${p}`,
    contents_url: `${b.api}/repos/${repo.fullName}/contents/${p}?ref=${commit}`,
    ...(f.previousPath !== undefined ? { previous_filename: f.previousPath } : {}),
  };
}

/** The `status` shape (one commit status). */
export function statusJson(b: Bases, repo: FakeRepo, s: StatusRecord): Record<string, unknown> {
  const creator = simpleUser(b, s.creator);
  return {
    url: `${b.api}/repos/${repo.fullName}/statuses/${s.sha}`, avatar_url: creator['avatar_url'], id: s.id,
    node_id: nodeId('StatusContext', s.id), state: s.state, description: s.description, target_url: s.targetUrl,
    context: s.context, created_at: s.createdAt, updated_at: s.updatedAt, creator,
  };
}

/** Base64 wrapped at 60 characters, as GitHub sends blob and file content. */
export function base64Lines(content: Buffer): string {
  const b64 = content.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 60) lines.push(b64.slice(i, i + 60));
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** Now as GitHub prints times (`2024-01-01T00:00:00Z`). */
export function nowIso(): string {
  return new Date().toISOString().slice(0, 19) + 'Z';
}
