// go_alloc: a GOARCH=386 Go program (Go's runtime: its mheap arenas, goroutines
// on several threads, the netpoller, runtime.GC): maps, slices, a worker
// pool over channels; it prints only what does not depend on timing.
package main

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
)

type item struct {
	key string
	val []int
}

func main() {
	m := make(map[string]*item)
	for i := 0; i < 8000; i++ {
		k := fmt.Sprintf("k%05d", i%2000)
		it, ok := m[k]
		if !ok {
			it = &item{key: k}
			m[k] = it
		}
		it.val = append(it.val, i)
	}
	jobs := make(chan int, 64)
	results := make(chan int, 64)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				s := make([]byte, 1024*(j%16+1))
				for i := range s {
					s[i] = byte(i + j)
				}
				sum := 0
				for _, b := range s {
					sum += int(b)
				}
				results <- sum
			}
		}()
	}
	go func() {
		for j := 0; j < 600; j++ {
			jobs <- j
		}
		close(jobs)
	}()
	go func() { wg.Wait(); close(results) }()
	total := 0
	for r := range results {
		total += r
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("keys", len(keys), keys[0], keys[len(keys)-1], "vals", len(m["k00042"].val))
	fmt.Println("total", total)
	fmt.Println("NumGC>0", ms.NumGC > 0, "Mallocs>Frees", ms.Mallocs > ms.Frees)
}
