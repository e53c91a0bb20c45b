"""The build: the plan of jobs, the output cache, worker processes, and the pipeline that gathers,
renders and publishes.
"""
