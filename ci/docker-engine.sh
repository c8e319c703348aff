# docker-engine.sh - sourced by the scripts that import images into a
# Docker engine (build-server-images.sh, build-goneaway-image.sh).
#
# docker_engine_why_not: prints nothing when the docker CLI is here and
# its engine (DOCKER_HOST, or /var/run/docker.sock) answers; else why
# not, in a line.
docker_engine_why_not() {
	if ! command -v docker >/dev/null 2>&1; then
		echo "no docker client (apt-get install docker.io)"
	elif ! _err=$(docker version --format '{{.Server.Version}}' 2>&1 >/dev/null); then
		echo "the Docker engine does not answer (DOCKER_HOST=${DOCKER_HOST:-unset}): $_err"
	fi
}
