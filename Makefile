# The original Janitor's make targets, each a thin call of the janitor command through ./dev (which fetches Node,
# pnpm and the dependencies on first use). Extra arguments: make run_local ARGS=--dry-run
# Crontab, as the original: * * * * * cd /path/to/janitor && make scheduler

.PHONY: help init create_app run_local listen run_remote scheduler test

help: ## list the targets
	@grep -E '^[a-z_]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

init: ## write a commented config.yaml from config.yaml.dist
	./dev janitor init $(ARGS)

create_app: ## register the app on the Mastodon-compatible server, save client.secret
	./dev janitor create-app $(ARGS)

run_local: ## check this machine once and publish when a limit is crossed
	./dev janitor run local $(ARGS)

listen: ## start the hub in the background (stop: ./dev janitor listen stop)
	./dev janitor listen --detach $(ARGS)

run_remote: ## send this machine's metrics to the hub once
	./dev janitor run remote $(ARGS)

# Not echoed: cron mails whatever a job prints, and with nothing due this prints nothing.
scheduler: ## run the tasks of app.schedules due this minute (what cron calls)
	@./dev janitor scheduler $(ARGS)

test: ## the whole test suite: lint, typecheck, tests
	./dev test $(ARGS)
