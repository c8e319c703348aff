#!/usr/bin/python3
"""toxiproxy-api-test.py API_TEST_GO - patches Toxiproxy 2.12.0's
api_test.go in place so that its tests run against the server at
TOXIPROXY_URL (t0179-toxiproxy-api-test) instead of one of their own:
WithServer hands them that URL and deletes every proxy after each test
(what Collection.Clear() did); the client and the tests' own requests
use it instead of localhost:8475; /version is compared with the version
the library was built as (-ldflags), not "git".  Exits 1 when the file
is not as expected (another release: each edit must apply once)."""
import sys

WITH_SERVER = '''// goneaway (t0179): the API under test is TOXIPROXY_URL's server,
// started outside; each test's proxies are deleted after it, as
// Collection.Clear() did.
func WithServer(t *testing.T, f func(string)) {
	defer func() {
		proxies, err := client.Proxies()
		if err != nil {
			t.Error("Failed to clear collection", err)
		}
		for _, p := range proxies {
			if err := p.Delete(); err != nil {
				t.Error("Failed to clear collection", err)
			}
		}
	}()

	f(os.Getenv("TOXIPROXY_URL"))
}

'''


def main(path):
    s = open(path).read()
    a, b = s.find('func WithServer('), s.find('func TestRequestId')
    if a < 0 or b < a:
        return 'no WithServer before TestRequestId'
    s = s[:a] + WITH_SERVER + s[b:]
    edits = [
        # what the old WithServer used, kept in use
        ('var testServer *toxiproxy.ApiServer\n',
         'var _, _, _, _, _ = toxiproxy.NewServer, prometheus.NewRegistry, '
         'zerolog.Nop, flag.Lookup, time.Second\n'),
        ('tclient.NewClient("http://127.0.0.1:8475")',
         'tclient.NewClient(os.Getenv("TOXIPROXY_URL"))'),
        ('"{\\"version\\": \\"git\\"}\\n"',
         '"{\\"version\\": \\"" + toxiproxy.Version + "\\"}\\n"'),
    ]
    for old, new in edits:
        if s.count(old) != 1:
            return 'not once in %s: %s' % (path, old)
        s = s.replace(old, new)
    if '"http://localhost:8475/' not in s:
        return 'no request to localhost:8475'
    s = s.replace('"http://localhost:8475/', 'os.Getenv("TOXIPROXY_URL") + "/')
    if '8475' in s:
        return '8475 is still there'
    open(path, 'w').write(s)
    return None


if __name__ == '__main__':
    err = main(sys.argv[1])
    if err:
        sys.stderr.write('toxiproxy-api-test.py: %s\n' % err)
        sys.exit(1)
