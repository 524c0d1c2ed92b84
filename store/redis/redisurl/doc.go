// Package redisurl reads FLIGHTWATCH_REDIS_URL: one Redis server
// (redis://, rediss://, unix://) or a Redis Cluster named by its seed
// nodes (redis+cluster://, rediss+cluster://), into the options of a
// go-redis client. Errors never show the password.
//
// Parse is a pure function, safe for concurrent use; an Options is not
// to be changed while a client built from it runs.
package redisurl
